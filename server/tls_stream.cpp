// TlsStream's OpenSSL calls: one attempt of a step and what it waits for.
#include "tls_stream.hpp"

#include <openssl/err.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include "tls_contexts.hpp"

namespace xiaozhi::server {

namespace {

// The error of a failed OpenSSL call; a peer that closes without close_notify is an
// ordinary end of stream (SSL_OP_IGNORE_UNEXPECTED_EOF makes it SSL_ERROR_ZERO_RETURN).
boost::system::error_code failure(int ssl_error) {
    if (ssl_error == SSL_ERROR_ZERO_RETURN) return boost::asio::error::eof;
    const unsigned long queued = ERR_get_error();
    ERR_clear_error();
    if (queued != 0) {
        return {static_cast<int>(queued), boost::asio::error::get_ssl_category()};
    }
    if (ssl_error == SSL_ERROR_SYSCALL && errno != 0) {
        return {errno, boost::system::system_category()};
    }
    return boost::asio::error::eof;
}

}  // namespace

TlsStream::TlsStream(ConnectionSocket socket, std::shared_ptr<const TlsContexts> contexts)
    : socket_(std::move(socket)), contexts_(std::move(contexts)), ssl_(contexts_->new_session()) {
    boost::system::error_code ignored;
    socket_.native_non_blocking(true, ignored);
    SSL_set_fd(ssl_, socket_.native_handle());
    SSL_set_accept_state(ssl_);
}

TlsStream::TlsStream(TlsStream&& other) noexcept
    : socket_(std::move(other.socket_)),
      contexts_(std::move(other.contexts_)),
      ssl_(std::exchange(other.ssl_, nullptr)) {}

TlsStream::~TlsStream() {
    if (ssl_ != nullptr) SSL_free(ssl_);
}

TlsStream::Outcome TlsStream::attempt(const Step& step) {
    Outcome outcome;
    if ((step.kind == Step::read || step.kind == Step::write) && step.size == 0) return outcome;
    ERR_clear_error();
    errno = 0;
    int result = 0;
    switch (step.kind) {
        case Step::handshake:
            result = SSL_do_handshake(ssl_);
            break;
        case Step::shutdown:
            // 0: close_notify sent, the peer's not awaited; that is all a server needs.
            result = SSL_shutdown(ssl_);
            if (result == 0) result = 1;
            break;
        case Step::read:
            result = SSL_read(ssl_, step.data,
                              static_cast<int>(std::min<std::size_t>(step.size, 1 << 30)));
            break;
        case Step::write:
            result = SSL_write(ssl_, step.data,
                               static_cast<int>(std::min<std::size_t>(step.size, 1 << 30)));
            break;
    }
    if (result > 0) {
        if (step.kind == Step::read || step.kind == Step::write) {
            outcome.bytes = static_cast<std::size_t>(result);
        }
        return outcome;
    }
    const int ssl_error = SSL_get_error(ssl_, result);
    if (ssl_error == SSL_ERROR_WANT_READ) {
        outcome.kind = Outcome::want_read;
    } else if (ssl_error == SSL_ERROR_WANT_WRITE) {
        outcome.kind = Outcome::want_write;
    } else {
        outcome.error = failure(ssl_error);
    }
    return outcome;
}

void teardown(boost::beast::role_type, TlsStream& stream, boost::system::error_code& error) {
    SSL_shutdown(stream.native_handle());
    ERR_clear_error();
    stream.next_layer().shutdown(ConnectionSocket::shutdown_both, error);
    stream.next_layer().close(error);
}

}  // namespace xiaozhi::server
