// A small synchronous WebSocket client for integration tests (127.0.0.1 only), every call bounded
// in time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace xiaozhi::testing {

struct WsMessage {
    bool text = false;
    std::string data;  // the payload bytes

    std::span<const std::uint8_t> bytes() const {
        return {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()};
    }
};

struct WsConnect {
    std::string target = "/xiaozhi/v1/";
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Device-Id", "..."}
    int receive_buffer =
        0;  // SO_RCVBUF set before connecting (a reader that never reads); 0: default
    int timeout_ms = 10000;
};

class WsClient {
  public:
    WsClient();
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    // Connects to 127.0.0.1:`port` and upgrades. False when the connection failed
    // (error()) or the server refused the upgrade (refusal_status(), refusal_body()).
    bool connect(int port, const WsConnect& options);
    int refusal_status() const;
    const std::string& refusal_body() const;

    // Sends one message; false (with error()) when it could not be sent in `timeout_ms`.
    bool send_text(const std::string& text, int timeout_ms = 5000);
    bool send_binary(std::span<const std::uint8_t> bytes, int timeout_ms = 5000);

    // The next message, or nullopt when the connection closed (closed(), close_code()),
    // failed (error()) or nothing came within `timeout_ms` (timed_out()).
    std::optional<WsMessage> read(int timeout_ms = 5000);
    // The next text message, skipping binary ones (counted in skipped_binary()).
    std::optional<std::string> read_text(int timeout_ms = 5000);

    bool closed() const;     // the peer closed the WebSocket or the connection ended
    int close_code() const;  // the code of the peer's close frame; -1 without one
    const std::string& close_reason() const;  // the reason text of that frame
    bool timed_out() const;                   // the last read or send timed out
    const std::string& error() const;
    std::size_t skipped_binary() const;

    // Starts a normal close and waits up to `timeout_ms` for the peer's answer.
    void close(int timeout_ms = 3000);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace xiaozhi::testing
