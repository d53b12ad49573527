// EtcdWatch: range, then the gateway's chunked stream of JSON lines read with Beast, per
// connection.
#include "fleet/etcd_watch.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "log_event.hpp"

namespace xiaozhi::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using error_code = boost::system::error_code;

// The longest line of the stream kept: one message with a large remote layer.
constexpr std::size_t kLineLimit = 16 * 1024 * 1024;
constexpr auto kPoll = std::chrono::milliseconds(200);

}  // namespace

EtcdWatch::EtcdWatch(Options options, OnValue on_value)
    : options_(std::move(options)), on_value_(std::move(on_value)), etcd_(options_.etcd) {}

EtcdWatch::~EtcdWatch() {
    stop();
}

void EtcdWatch::start() {
    thread_ = std::thread([this] { run(); });
}

void EtcdWatch::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void EtcdWatch::deliver(const fleet::EtcdKeyValue& value) {
    try {
        on_value_(value);
    } catch (const std::exception& error) {
        log_error("fleet_watch_error", "fleet watch could not handle a change",
                  {{"key", options_.key}, {"error", error.what()}});
    }
}

void EtcdWatch::run() {
    auto backoff = std::chrono::milliseconds(500);
    while (!stopping_) {
        const bool followed = follow_once();
        if (stopping_) break;
        backoff = followed
                      ? std::chrono::milliseconds(500)
                      : std::min<std::chrono::milliseconds>(2 * backoff, std::chrono::seconds(5));
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, backoff, [this] { return stopping_.load(); });
    }
}

bool EtcdWatch::follow_once() {
    fleet::EtcdRange range;
    try {
        range = etcd_.range(options_.key);
    } catch (const std::exception&) {
        return false;  // the registry's thread reports etcd away
    }
    fleet::EtcdKeyValue current;
    current.key = options_.key;
    if (!range.kvs.empty()) current = range.kvs[0];
    deliver(current);

    const deploy::Url endpoint = etcd_.preferred_endpoint();
    net::io_context io;
    beast::tcp_stream stream(io);
    net::ip::tcp::resolver resolver(io);
    beast::flat_buffer buffer;
    http::request<http::string_body> request{http::verb::post, "/v3/watch", 11};
    request.set(http::field::host, endpoint.host + ":" + std::to_string(endpoint.port));
    request.set(http::field::content_type, "application/json");
    if (const std::string token = etcd_.auth_token(); !token.empty()) {
        request.set(http::field::authorization, token);
    }
    request.body() = fleet::watch_request(options_.key, false, range.revision + 1);
    request.prepare_payload();
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    std::string pending;
    bool streaming = false;
    bool done = false;
    // Beast keeps a reference to the callback: it lives as long as the parser.
    auto on_chunk = [&](std::uint64_t, beast::string_view body, error_code&) {
        pending.append(body.data(), body.size());
        std::size_t newline = 0;
        while (!done && (newline = pending.find('\n')) != std::string::npos) {
            const std::string line = pending.substr(0, newline);
            pending.erase(0, newline + 1);
            if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
            try {
                const fleet::EtcdWatchMessage message = fleet::parse_watch_message(line);
                for (const fleet::EtcdKeyValue& event : message.events) deliver(event);
                // Cancelled (a compacted start revision, or etcd's own reasons): the next
                // connection reads the key again.
                if (message.canceled) done = true;
            } catch (const std::exception& error) {
                log_warn("fleet_watch_error", "fleet watch read a message it cannot use",
                         {{"key", options_.key}, {"error", error.what()}});
                done = true;
            }
        }
        if (pending.size() > kLineLimit) done = true;
        return body.size();
    };
    parser.on_chunk_body(on_chunk);
    std::function<void()> read_more = [&] {
        stream.expires_after(options_.idle);
        http::async_read_some(stream, buffer, parser, [&](error_code ec, std::size_t) {
            if (ec || done || parser.is_done()) {
                done = true;
                return;
            }
            read_more();
        });
    };
    stream.expires_after(options_.etcd.timeout);
    resolver.async_resolve(
        endpoint.host, std::to_string(endpoint.port),
        [&](error_code ec, const net::ip::tcp::resolver::results_type& results) {
            if (ec) {
                done = true;
                return;
            }
            stream.async_connect(results, [&](error_code ec, const net::ip::tcp::endpoint&) {
                if (ec) {
                    done = true;
                    return;
                }
                http::async_write(stream, request, [&](error_code ec, std::size_t) {
                    if (ec) {
                        done = true;
                        return;
                    }
                    http::async_read_header(stream, buffer, parser,
                                            [&](error_code ec, std::size_t) {
                                                if (ec || parser.get().result_int() != 200) {
                                                    done = true;
                                                    return;
                                                }
                                                streaming = true;
                                                read_more();
                                            });
                });
            });
        });
    while (!done && !stopping_) {
        io.run_for(kPoll);
        if (io.stopped()) break;
    }
    resolver.cancel();
    error_code ignored;
    stream.socket().close(ignored);
    io.restart();
    io.run();
    return streaming;
}

}  // namespace xiaozhi::server
