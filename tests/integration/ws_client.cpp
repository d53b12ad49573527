// WsClient: Beast's WebSocket client driven by an io_context run for a bounded time per call.
#include "ws_client.hpp"

#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace xiaozhi::testing {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using error_code = boost::system::error_code;

}  // namespace

struct WsClient::Impl {
    net::io_context context;
    websocket::stream<beast::tcp_stream> ws{context};
    beast::flat_buffer buffer;
    int refusal_status = 0;
    std::string refusal_body;
    bool closed = false;
    int close_code = -1;
    std::string close_reason;
    bool timed_out = false;
    std::string error;
    std::size_t skipped_binary = 0;

    // Starts an operation with a handler that records its result, then runs the
    // context until it completes or `timeout_ms` passes (the operation is then cancelled).
    template <typename Start>
    error_code run(Start start, int timeout_ms) {
        std::optional<error_code> result;
        start([&result](error_code ec, auto&&...) { result = ec; });
        context.restart();
        context.run_for(std::chrono::milliseconds(timeout_ms));
        timed_out = !result.has_value();
        if (timed_out) {
            beast::get_lowest_layer(ws).cancel();
            context.restart();
            context.run_for(std::chrono::seconds(2));
            result = net::error::timed_out;
        }
        return *result;
    }

    // A failed operation: unless it timed out, the connection is over.
    void failed(const error_code& ec) {
        closed = ec != net::error::timed_out;
        if (ec == websocket::error::closed) {
            close_code = static_cast<int>(ws.reason().code);
            close_reason.assign(ws.reason().reason.data(), ws.reason().reason.size());
        }
        error = ec.message();
    }
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}
WsClient::~WsClient() = default;

bool WsClient::connect(int port, const WsConnect& options) {
    Impl& impl = *impl_;
    auto& socket = beast::get_lowest_layer(impl.ws).socket();
    const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"),
                                          static_cast<unsigned short>(port));
    error_code ec;
    socket.open(endpoint.protocol(), ec);
    if (!ec && options.receive_buffer > 0) {
        socket.set_option(net::socket_base::receive_buffer_size(options.receive_buffer), ec);
    }
    if (ec) {
        impl.error = ec.message();
        return false;
    }
    ec = impl.run(
        [&](auto handler) { beast::get_lowest_layer(impl.ws).async_connect(endpoint, handler); },
        options.timeout_ms);
    if (ec) {
        impl.error = "connect: " + ec.message();
        return false;
    }
    const auto headers = options.headers;
    impl.ws.set_option(
        websocket::stream_base::decorator([headers](websocket::request_type& request) {
            for (const auto& [name, value] : headers) request.set(name, value);
        }));
    websocket::response_type response;
    const std::string host = "127.0.0.1:" + std::to_string(port);
    ec = impl.run(
        [&](auto handler) { impl.ws.async_handshake(response, host, options.target, handler); },
        options.timeout_ms);
    if (ec) {
        impl.refusal_status = static_cast<int>(response.result_int());
        impl.refusal_body = response.body();
        impl.error = "handshake: " + ec.message();
        return false;
    }
    return true;
}

int WsClient::refusal_status() const {
    return impl_->refusal_status;
}
const std::string& WsClient::refusal_body() const {
    return impl_->refusal_body;
}

bool WsClient::send_text(const std::string& text, int timeout_ms) {
    impl_->ws.text(true);
    const error_code ec = impl_->run(
        [&](auto handler) { impl_->ws.async_write(net::buffer(text), handler); }, timeout_ms);
    if (ec) impl_->failed(ec);
    return !ec;
}

bool WsClient::send_binary(std::span<const std::uint8_t> bytes, int timeout_ms) {
    impl_->ws.binary(true);
    const error_code ec = impl_->run(
        [&](auto handler) {
            impl_->ws.async_write(net::buffer(bytes.data(), bytes.size()), handler);
        },
        timeout_ms);
    if (ec) impl_->failed(ec);
    return !ec;
}

std::optional<WsMessage> WsClient::read(int timeout_ms) {
    Impl& impl = *impl_;
    impl.buffer.consume(impl.buffer.size());
    const error_code ec =
        impl.run([&](auto handler) { impl.ws.async_read(impl.buffer, handler); }, timeout_ms);
    if (ec) {
        impl.failed(ec);
        return std::nullopt;
    }
    WsMessage message;
    message.text = impl.ws.got_text();
    message.data = beast::buffers_to_string(impl.buffer.data());
    return message;
}

std::optional<std::string> WsClient::read_text(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        auto message = read(static_cast<int>(std::max<long long>(left, 1)));
        if (!message) return std::nullopt;
        if (message->text) return std::move(message->data);
        ++impl_->skipped_binary;
    }
}

bool WsClient::closed() const {
    return impl_->closed;
}
const std::string& WsClient::close_reason() const {
    return impl_->close_reason;
}

int WsClient::close_code() const {
    return impl_->close_code;
}
bool WsClient::timed_out() const {
    return impl_->timed_out;
}
const std::string& WsClient::error() const {
    return impl_->error;
}
std::size_t WsClient::skipped_binary() const {
    return impl_->skipped_binary;
}

void WsClient::close(int timeout_ms) {
    if (impl_->closed || !impl_->ws.is_open()) return;
    impl_->run([&](auto handler) { impl_->ws.async_close(websocket::close_code::normal, handler); },
               timeout_ms);
    impl_->closed = true;
}

}  // namespace xiaozhi::testing
