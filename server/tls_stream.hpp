// TlsStream: OpenSSL reading and writing the connection's socket itself, waiting for readiness.
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <cstddef>
#include <memory>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include "connection_types.hpp"

namespace xiaozhi::server {

class TlsContexts;

// A server-side TLS connection whose SSL object reads and writes the socket directly (a
// socket BIO, no buffers between them): an idle session holds no record buffer at all
// (SSL_MODE_RELEASE_BUFFERS), it waits for readability. One operation of each kind at a
// time, all on the socket's executor (one thread).
class TlsStream {
  public:
    using executor_type = ConnectionExecutor;
    using next_layer_type = ConnectionSocket;
    using lowest_layer_type = ConnectionSocket;

    // Takes the socket; the SSL object comes from `contexts`, which it keeps alive.
    TlsStream(ConnectionSocket socket, std::shared_ptr<const TlsContexts> contexts);
    TlsStream(TlsStream&& other) noexcept;
    TlsStream& operator=(TlsStream&&) = delete;
    TlsStream(const TlsStream&) = delete;
    ~TlsStream();

    executor_type get_executor() { return socket_.get_executor(); }
    ConnectionSocket& next_layer() { return socket_; }
    ConnectionSocket& lowest_layer() { return socket_; }
    SSL* native_handle() { return ssl_; }

    // The server side of the handshake.
    template <typename Handler>
    auto async_handshake(Handler&& handler) {
        return run(Operation<0>{*this, Step{Step::handshake}}, std::forward<Handler>(handler));
    }

    // Sends close_notify (it does not wait for the peer's).
    template <typename Handler>
    auto async_shutdown(Handler&& handler) {
        return run(Operation<0>{*this, Step{Step::shutdown}}, std::forward<Handler>(handler));
    }

    // Reads into the first non-empty buffer.
    template <typename MutableBuffers, typename Handler>
    auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
        Operation<0> operation{*this, Step{Step::read}};
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers); ++it) {
            const boost::asio::mutable_buffer buffer(*it);
            if (buffer.size() == 0) continue;
            operation.step.data = buffer.data();
            operation.step.size = buffer.size();
            break;
        }
        return run(std::move(operation), std::forward<Handler>(handler));
    }

    // A small buffer sequence (a frame header and its payload) goes out as one record;
    // otherwise the first non-empty buffer does.
    template <typename ConstBuffers, typename Handler>
    auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
        const std::size_t total = boost::asio::buffer_size(buffers);
        if (total <= kCoalesced) {
            Operation<kCoalesced> operation{*this, Step{Step::write}};
            boost::asio::buffer_copy(boost::asio::buffer(operation.scratch), buffers);
            operation.step.size = total;
            return run(std::move(operation), std::forward<Handler>(handler));
        }
        Operation<0> operation{*this, Step{Step::write}};
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers); ++it) {
            const boost::asio::const_buffer buffer(*it);
            if (buffer.size() == 0) continue;
            operation.step.data = const_cast<void*>(buffer.data());
            operation.step.size = buffer.size();
            break;
        }
        return run(std::move(operation), std::forward<Handler>(handler));
    }

  private:
    static constexpr std::size_t kCoalesced = 2048;

    // One OpenSSL call and its buffer.
    struct Step {
        enum Kind { handshake, shutdown, read, write } kind;
        void* data = nullptr;
        std::size_t size = 0;
    };

    // The outcome of one OpenSSL call: done (bytes, error) or waiting for the socket.
    struct Outcome {
        enum Kind { done, want_read, want_write } kind = done;
        boost::system::error_code error;
        std::size_t bytes = 0;
    };
    Outcome attempt(const Step& step);

    // Runs `operation` until OpenSSL is done, waiting for the socket in between.
    template <typename Op, typename Handler>
    auto run(Op operation, Handler&& handler) {
        return boost::asio::async_compose<Handler, void(boost::system::error_code, std::size_t)>(
            std::move(operation), handler, socket_);
    }

    // A composed operation; a result known at once is posted, never delivered inside the
    // initiating call. `Scratch` bytes hold a coalesced write (none for the others, so a
    // pending read of an idle session stays small).
    template <std::size_t Scratch>
    struct Operation {
        TlsStream& stream;
        Step step;
        std::array<unsigned char, Scratch> scratch{};
        bool finished = false;
        Outcome outcome{};

        template <typename Self>
        void operator()(Self& self) {
            advance(self, true);
        }

        template <typename Self>
        void operator()(Self& self, boost::system::error_code waited) {
            if (finished) {
                self.complete(outcome.error, outcome.bytes);
                return;
            }
            if (waited) {
                self.complete(waited, 0);
                return;
            }
            advance(self, false);
        }

        template <typename Self>
        void advance(Self& self, bool initiating) {
            Step current = step;
            if constexpr (Scratch != 0) current.data = scratch.data();
            outcome = stream.attempt(current);
            switch (outcome.kind) {
                case Outcome::want_read:
                    stream.socket_.async_wait(ConnectionSocket::wait_read, std::move(self));
                    return;
                case Outcome::want_write:
                    stream.socket_.async_wait(ConnectionSocket::wait_write, std::move(self));
                    return;
                case Outcome::done:
                    break;
            }
            if (!initiating) {
                self.complete(outcome.error, outcome.bytes);
                return;
            }
            finished = true;
            auto executor = stream.get_executor();
            boost::asio::post(executor, boost::beast::bind_front_handler(
                                            std::move(self), boost::system::error_code{}));
        }
    };

    ConnectionSocket socket_;
    std::shared_ptr<const TlsContexts> contexts_;
    SSL* ssl_ = nullptr;
};

// Beast's WebSocket close: close_notify, then the socket.
void teardown(boost::beast::role_type role, TlsStream& stream, boost::system::error_code& error);

template <typename Handler>
void async_teardown(boost::beast::role_type, TlsStream& stream, Handler&& handler) {
    stream.async_shutdown([&stream, handler = std::forward<Handler>(handler)](
                              boost::system::error_code, std::size_t) mutable {
        boost::system::error_code ignored;
        stream.next_layer().shutdown(ConnectionSocket::shutdown_both, ignored);
        stream.next_layer().close(ignored);
        std::move(handler)(boost::system::error_code{});
    });
}

}  // namespace xiaozhi::server
