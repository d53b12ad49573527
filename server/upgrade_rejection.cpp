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

struct Rejection {
    ConnectionSlot slot;  // released after the stream is closed
    ConnectionStream stream;
    http::response<http::string_body> response;
};

}  // namespace

void reject_upgrade(ConnectionStream stream, ConnectionSlot slot, unsigned http_version,
                    const HttpResponse& plain) {
    auto rejection = std::make_shared<Rejection>(
        Rejection{std::move(slot),
                  std::move(stream),
                  {static_cast<http::status>(plain.status), http_version}});
    auto& response = rejection->response;
    response.set(http::field::server, "xiaozhi");
    response.set(http::field::content_type, plain.content_type);
    response.body() = plain.body;
    response.keep_alive(false);
    response.prepare_payload();
    rejection->stream.expires_after(kWriteTimeout);
    http::async_write(rejection->stream, response, [rejection](beast::error_code, std::size_t) {
        beast::error_code ignored;
        rejection->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
        rejection->stream.close();
    });
}

}  // namespace xiaozhi::server
