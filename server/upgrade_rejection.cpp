// reject_upgrade: one HTTP response on a timed stream, then shutdown and close.
#include "upgrade_rejection.hpp"

#include <chrono>
#include <memory>
#include <utility>

#include <boost/beast/http.hpp>

namespace xiaozhi::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// Time limit of writing the answer.
constexpr auto kWriteTimeout = std::chrono::seconds(10);

template <typename Stream>
struct Rejection {
    ConnectionSlot slot;  // released after the stream is closed
    Stream stream;
    http::response<http::string_body> response;
};

http::response<http::string_body> answer(unsigned http_version, const HttpResponse& plain) {
    http::response<http::string_body> response{static_cast<http::status>(plain.status),
                                               http_version};
    response.set(http::field::server, "xiaozhi");
    response.set(http::field::content_type, plain.content_type);
    response.body() = plain.body;
    response.keep_alive(false);
    response.prepare_payload();
    return response;
}

void close_socket(ConnectionSocket& socket) {
    beast::error_code ignored;
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
}

}  // namespace

void reject_upgrade(ConnectionStream stream, ConnectionSlot slot, unsigned http_version,
                    const HttpResponse& plain) {
    auto rejection = std::make_shared<Rejection<ConnectionStream>>(Rejection<ConnectionStream>{
        std::move(slot), std::move(stream), answer(http_version, plain)});
    rejection->stream.expires_after(kWriteTimeout);
    http::async_write(
        rejection->stream, rejection->response,
        [rejection](beast::error_code, std::size_t) { close_socket(rejection->stream.socket()); });
}

void reject_upgrade(TlsStream stream, ConnectionSlot slot, unsigned http_version,
                    const HttpResponse& plain) {
    auto rejection = std::make_shared<Rejection<TlsStream>>(
        Rejection<TlsStream>{std::move(slot), std::move(stream), answer(http_version, plain)});
    // The time limit: a timer that closes the socket, which ends the pending write.
    auto timer = std::make_shared<ConnectionTimer>(rejection->stream.get_executor());
    timer->expires_after(kWriteTimeout);
    timer->async_wait([rejection](beast::error_code error) {
        if (!error) close_socket(rejection->stream.next_layer());
    });
    http::async_write(
        rejection->stream, rejection->response,
        [rejection, timer](beast::error_code error, std::size_t) {
            if (error) {
                timer->cancel();
                close_socket(rejection->stream.next_layer());
                return;
            }
            rejection->stream.async_shutdown([rejection, timer](beast::error_code, std::size_t) {
                timer->cancel();
                close_socket(rejection->stream.next_layer());
            });
        });
}

}  // namespace xiaozhi::server
