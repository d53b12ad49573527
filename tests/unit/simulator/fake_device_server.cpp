// Scripted fake servers for the simulator's tests.
#include "fake_device_server.hpp"

#include <sys/socket.h>

#include <array>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace xiaozhi::test {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

FakeServer::FakeServer(std::size_t connections, Script script, std::chrono::milliseconds lifetime)
    : script_(std::move(script)), acceptor_(io_), watchdog_(io_), remaining_(connections) {
    const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    watchdog_.expires_after(lifetime);
    watchdog_.async_wait([this](error_code ec) {
        if (!ec) shut_down();
    });
    accept_next();
    io_thread_ = std::thread([this] { io_.run(); });
}

FakeServer::~FakeServer() {
    stop();
}

std::string FakeServer::ws_url() const {
    return "ws://127.0.0.1:" + std::to_string(port_) + "/xiaozhi/v1/";
}

std::string FakeServer::ota_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/xiaozhi/ota/";
}

std::size_t FakeServer::accepted() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
}

void FakeServer::accept_next() {
    if (remaining_ == 0) {
        error_code ignored;
        acceptor_.close(ignored);
        return;
    }
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
        if (ec) return;
        --remaining_;
        start(std::move(socket));
        accept_next();
    });
}

void FakeServer::start(tcp::socket socket) {
    std::lock_guard lock(mutex_);
    auto& connection = *connections_.emplace_back(std::make_unique<Connection>(std::move(socket)));
    connection.fd = connection.socket.native_handle();
    connection.thread = std::thread([this, &connection] {
        try {
            script_(connection.socket);
        } catch (...) {
            // The device went away mid-script: expected in most error cases.
        }
        std::lock_guard done_lock(mutex_);
        connection.done = true;
        error_code ignored;
        connection.socket.close(ignored);
        ended_.notify_all();
    });
}

void FakeServer::shut_down() {
    error_code ignored;
    acceptor_.close(ignored);
    watchdog_.cancel();
    std::lock_guard lock(mutex_);
    for (const auto& connection : connections_) {
        // Wakes a script blocked in a read; the fd stays open until the script ends.
        if (!connection->done) ::shutdown(connection->fd, SHUT_RDWR);
    }
}

void FakeServer::stop(std::chrono::milliseconds grace) {
    {
        std::unique_lock lock(mutex_);
        if (stopped_) return;
        stopped_ = true;
        ended_.wait_for(lock, grace, [this] {
            for (const auto& connection : connections_) {
                if (!connection->done) return false;
            }
            return true;
        });
    }
    asio::post(io_, [this] { shut_down(); });
    io_thread_.join();
    // No new connection can come now; the list is only read.
    for (const auto& connection : connections_) connection->thread.join();
}

std::uint16_t closed_port() {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
    const std::uint16_t port = acceptor.local_endpoint().port();
    acceptor.close();
    return port;
}

void SeenList::add(std::string item) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(item));
}

std::vector<std::string> SeenList::items() const {
    std::lock_guard lock(mutex_);
    return items_;
}

http::request<http::string_body> read_request(tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request);
    return request;
}

void respond(tcp::socket& socket, http::status status, std::string body,
             std::string_view content_type) {
    http::response<http::string_body> response(status, 11);
    response.set(http::field::content_type, std::string(content_type));
    response.keep_alive(false);
    response.body() = std::move(body);
    response.prepare_payload();
    http::write(socket, response);
}

void accept_websocket(WebSocket& ws) {
    ws.accept();
}

std::string read_message(WebSocket& ws) {
    boost::beast::flat_buffer buffer;
    ws.read(buffer);
    const auto data = buffer.cdata();
    return std::string(static_cast<const char*>(data.data()), data.size());
}

void send_text(WebSocket& ws, std::string_view text) {
    ws.text(true);
    ws.write(asio::buffer(text.data(), text.size()));
}

void send_binary(WebSocket& ws, const std::vector<std::uint8_t>& bytes) {
    ws.binary(true);
    ws.write(asio::buffer(bytes));
}

Received read_until_end(WebSocket& ws) {
    Received received;
    for (;;) {
        boost::beast::flat_buffer buffer;
        error_code ec;
        ws.read(buffer, ec);
        if (ec) {
            received.close_frame = ec == websocket::error::closed;
            return received;
        }
        if (ws.got_text()) {
            const auto data = buffer.cdata();
            received.texts.emplace_back(static_cast<const char*>(data.data()), data.size());
        } else {
            ++received.binary_frames;
        }
    }
}

void drain(tcp::socket& socket) {
    std::array<char, 4096> bytes{};
    error_code ec;
    while (!ec) socket.read_some(asio::buffer(bytes), ec);
}

}  // namespace xiaozhi::test
