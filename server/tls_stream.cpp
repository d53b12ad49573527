// TlsStream's OpenSSL calls (one attempt of a step and what it waits for) and its BIO.
#include "tls_stream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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

// The BIO under a TlsStream's SSL object: reads take the inbox (empty: retry, the stream
// fills it), writes go to the socket (full: retry, the stream waits for writability).
struct TlsStreamBio {
    static TlsStream& stream(BIO* bio) { return *static_cast<TlsStream*>(BIO_get_data(bio)); }

    static int read(BIO* bio, char* data, int size) {
        BIO_clear_retry_flags(bio);
        TlsStream& owner = stream(bio);
        const std::size_t available = owner.inbox_end_ - owner.inbox_begin_;
        if (available == 0) {
            BIO_set_retry_read(bio);
            return -1;
        }
        const std::size_t taken = std::min(available, static_cast<std::size_t>(size));
        std::memcpy(data, owner.inbox_.data() + owner.inbox_begin_, taken);
        owner.inbox_begin_ += taken;
        return static_cast<int>(taken);
    }

    static int write(BIO* bio, const char* data, int size) {
        BIO_clear_retry_flags(bio);
        const int descriptor = stream(bio).socket_.native_handle();
        ssize_t sent = 0;
        do {
            sent = ::send(descriptor, data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
        } while (sent < 0 && errno == EINTR);
        if (sent >= 0) return static_cast<int>(sent);
        if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(bio);
        return -1;
    }

    static long control(BIO*, int command, long, void*) {
        return command == BIO_CTRL_FLUSH ? 1 : 0;
    }

    static int create(BIO* bio) {
        BIO_set_init(bio, 1);
        return 1;
    }

    static const BIO_METHOD* method() {
        static BIO_METHOD* const made = [] {
            BIO_METHOD* bio_method =
                BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "xiaozhi tls stream");
            BIO_meth_set_read(bio_method, &read);
            BIO_meth_set_write(bio_method, &write);
            BIO_meth_set_ctrl(bio_method, &control);
            BIO_meth_set_create(bio_method, &create);
            return bio_method;
        }();
        return made;
    }

    static void attach(TlsStream& owner) {
        BIO* bio = BIO_new(method());
        BIO_set_data(bio, &owner);
        SSL_set_bio(owner.ssl_, bio, bio);
    }
};

TlsStream::TlsStream(ConnectionSocket socket, std::shared_ptr<const TlsContexts> contexts)
    : socket_(std::move(socket)), contexts_(std::move(contexts)), ssl_(contexts_->new_session()) {
    boost::system::error_code ignored;
    socket_.native_non_blocking(true, ignored);
    TlsStreamBio::attach(*this);
    SSL_set_accept_state(ssl_);
}

TlsStream::TlsStream(TlsStream&& other) noexcept
    : socket_(std::move(other.socket_)),
      contexts_(std::move(other.contexts_)),
      ssl_(std::exchange(other.ssl_, nullptr)),
      inbox_begin_(other.inbox_begin_),
      inbox_end_(other.inbox_end_),
      inbox_(other.inbox_) {
    if (ssl_ != nullptr) BIO_set_data(SSL_get_rbio(ssl_), this);
}

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
