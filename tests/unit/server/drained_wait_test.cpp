// async_wait_drained on a loopback socket pair: it wakes for data, sleeps when drained, and misses
// no edge.
#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "relay/drained_wait.hpp"

using namespace xiaozhi::server;
namespace net = boost::asio;
using error_code = boost::system::error_code;

namespace {

// A connected pair on 127.0.0.1, the reading side non-blocking.
struct SocketPair {
    net::io_context io;
    ConnectionSocket reader{io.get_executor()};
    ConnectionSocket writer{io.get_executor()};

    SocketPair() {
        net::ip::tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
        writer.connect(acceptor.local_endpoint());
        acceptor.accept(reader);
        reader.non_blocking(true);
    }

    void send(const std::string& text) { net::write(writer, net::buffer(text)); }

    // Bytes read until the socket would block.
    std::string drain() {
        std::string got;
        std::array<char, 4096> buffer{};
        for (;;) {
            error_code ec;
            const std::size_t size = reader.read_some(net::buffer(buffer), ec);
            if (ec) break;
            got.append(buffer.data(), size);
        }
        return got;
    }

    // Runs the context for `ms` milliseconds; whether the wait completed, and with what.
    bool run_for(int ms) {
        io.restart();
        io.run_for(std::chrono::milliseconds(ms));
        return woke;
    }

    void wait() {
        woke = false;
        async_wait_drained(reader, [this](error_code ec) {
            woke = true;
            result = ec;
        });
    }

    bool woke = false;
    error_code result;
};

}  // namespace

TEST_CASE("async_wait_drained wakes for data and not again until more comes") {
    SocketPair pair;
    // A new socket's first wait completes at once (nothing says it is drained yet).
    pair.wait();
    CHECK(pair.run_for(50));
    CHECK(pair.drain().empty());

    pair.wait();
    CHECK_FALSE(pair.run_for(100));  // drained: it sleeps
    pair.send("hello");
    CHECK(pair.run_for(1000));
    CHECK_FALSE(pair.result);
    CHECK(pair.drain() == "hello");

    pair.wait();
    CHECK_FALSE(pair.run_for(100));
    pair.send("again");
    CHECK(pair.run_for(1000));
    CHECK(pair.drain() == "again");
}

TEST_CASE("async_wait_drained sees data that came between the read and the wait") {
    SocketPair pair;
    pair.wait();
    pair.run_for(50);
    pair.drain();
    pair.wait();
    pair.send("first");
    CHECK(pair.run_for(1000));
    CHECK(pair.drain() == "first");
    // The edge of "second" comes while no wait is pending.
    pair.send("second");
    pair.run_for(50);
    pair.wait();
    CHECK(pair.run_for(1000));
    CHECK(pair.drain() == "second");
}

TEST_CASE("async_wait_drained completes with operation_aborted when the socket closes") {
    SocketPair pair;
    pair.wait();
    pair.run_for(50);
    pair.drain();
    pair.wait();
    pair.reader.close();
    CHECK(pair.run_for(1000));
    CHECK(pair.result == net::error::operation_aborted);
}

TEST_CASE("async_wait_drained wakes for the peer's close") {
    SocketPair pair;
    pair.wait();
    pair.run_for(50);
    pair.drain();
    pair.wait();
    pair.writer.close();
    CHECK(pair.run_for(1000));
    std::array<char, 16> buffer{};
    error_code ec;
    pair.reader.read_some(net::buffer(buffer), ec);
    CHECK(ec == net::error::eof);
}
