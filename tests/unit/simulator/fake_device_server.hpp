// Scripted fake servers for the simulator's tests: an acceptor on 127.0.0.1 (port 0) in its own
// thread and io_context, each accepted connection handled by a blocking script in its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace xiaozhi::test {

using tcp = boost::asio::ip::tcp;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;

// A WebSocket over a connection's socket, which the server keeps owning.
using WebSocket = websocket::stream<tcp::socket&>;

// A proper server hello: transport websocket, session "s1", Opus 24 kHz mono 60 ms downlink.
inline constexpr std::string_view kServerHello =
    R"({"type":"hello","transport":"websocket","session_id":"s1",)"
    R"("audio_params":{"format":"opus","sample_rate":24000,"channels":1,"frame_duration":60}})";

class FakeServer {
  public:
    // Runs `script` on the socket of each accepted connection, each in its own thread. Scripts
    // may throw (a peer that went away); what they throw is dropped.
    using Script = std::function<void(tcp::socket& socket)>;

    // Accepts `connections` connections, then closes the acceptor. After `lifetime` it stops
    // by itself: the acceptor closes and the connections still open are shut down.
    FakeServer(std::size_t connections, Script script,
               std::chrono::milliseconds lifetime = std::chrono::seconds(10));
    ~FakeServer();

    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

    std::uint16_t port() const { return port_; }
    std::string ws_url() const;   // ws://127.0.0.1:<port>/xiaozhi/v1/
    std::string ota_url() const;  // http://127.0.0.1:<port>/xiaozhi/ota/

    // Waits (up to `grace`) for the scripts to end by themselves, then shuts down what is
    // still open and joins every thread. Idempotent; the destructor calls it.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(3));

    // Connections accepted so far.
    std::size_t accepted() const;

  private:
    struct Connection {
        explicit Connection(tcp::socket s) : socket(std::move(s)) {}
        tcp::socket socket;
        int fd = -1;
        bool done = false;
        std::thread thread;
    };

    void accept_next();
    void start(tcp::socket socket);
    void shut_down();  // on the io thread

    Script script_;
    boost::asio::io_context io_;
    tcp::acceptor acceptor_;
    boost::asio::steady_timer watchdog_;
    std::size_t remaining_;
    std::uint16_t port_ = 0;
    std::thread io_thread_;

    mutable std::mutex mutex_;
    std::condition_variable ended_;
    std::vector<std::unique_ptr<Connection>> connections_;
    bool stopped_ = false;
};

// A port of 127.0.0.1 on which nothing listens: bound by an acceptor, then closed.
std::uint16_t closed_port();

// A list filled by server threads and read by the test once the server has stopped.
class SeenList {
  public:
    void add(std::string item);
    std::vector<std::string> items() const;

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> items_;
};

// --- Pieces of scripts (blocking, throwing boost::system::system_error on failure) ---

// Reads one HTTP request (an OTA POST, or an upgrade request to refuse).
http::request<http::string_body> read_request(tcp::socket& socket);

// Writes a whole HTTP response with `Connection: close`.
void respond(tcp::socket& socket, http::status status, std::string body,
             std::string_view content_type = "application/json");

// Accepts the WebSocket upgrade on `socket`.
void accept_websocket(WebSocket& ws);

// Reads one message and returns it (text or binary, as bytes).
std::string read_message(WebSocket& ws);

void send_text(WebSocket& ws, std::string_view text);
void send_binary(WebSocket& ws, const std::vector<std::uint8_t>& bytes);

// What a peer sent until the connection ended.
struct Received {
    std::vector<std::string> texts;
    std::size_t binary_frames = 0;
    bool close_frame = false;  // ended with a close frame (else the TCP connection ended)
};

// Reads messages until the connection ends, never throwing.
Received read_until_end(WebSocket& ws);

// Reads raw bytes until the TCP connection ends, never throwing.
void drain(tcp::socket& socket);

}  // namespace xiaozhi::test
