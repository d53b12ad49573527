// TlsStream: OpenSSL over a connection socket, reading through Asio and writing the socket itself.
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <cstddef>
#include <memory>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include "connection_types.hpp"

namespace xiaozhi::server {

class TlsContexts;

// A server-side TLS connection. OpenSSL's BIO reads from a small inbox that Asio's own
// read fills (so the reactor keeps the descriptor armed, as for a plain socket: no
// re-arming system call and no EAGAIN read per record), and writes the socket directly.
// An idle session holds the inbox and no record buffer (SSL_MODE_RELEASE_BUFFERS). One
// operation of each kind at a time, all on the socket's executor (one thread).
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
    // Bytes one read of the socket takes: a device's audio frame as one record fits, so
    // the read finds the socket drained and the next one waits without trying.
    static constexpr std::size_t kInbox = 1024;

    friend struct TlsStreamBio;

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

        // The inbox was filled (or the peer closed or failed): OpenSSL reads it next.
        template <typename Self>
        void operator()(Self& self, boost::system::error_code read, std::size_t filled) {
            if (read) {
                self.complete(read, 0);
                return;
            }
            stream.inbox_begin_ = 0;
            stream.inbox_end_ = filled;
            advance(self, false);
        }

        template <typename Self>
        void advance(Self& self, bool initiating) {
            Step current = step;
            if constexpr (Scratch != 0) current.data = scratch.data();
            outcome = stream.attempt(current);
            switch (outcome.kind) {
                case Outcome::want_read:
                    if (step.kind == Step::handshake || step.kind == Step::read) {
                        stream.socket_.async_read_some(boost::asio::buffer(stream.inbox_),
                                                       std::move(self));
                        return;
                    }
                    // Only a renegotiation (disabled) makes a write or close read.
                    outcome = Outcome{Outcome::done, boost::asio::error::operation_not_supported};
                    break;
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
    std::size_t inbox_begin_ = 0;
    std::size_t inbox_end_ = 0;
    std::array<unsigned char, kInbox> inbox_{};
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
