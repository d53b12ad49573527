// Blocking HTTP/1.1 and WebSocket exchanges with one server, every step bounded in time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tls_trust.hpp"

namespace xiaozhi::client {

using Headers = std::vector<std::pair<std::string, std::string>>;

// One request on a fresh connection (Connection: close).
struct HttpCall {
    bool tls = false;  // https: a TLS handshake first, the server verified as `trust` says
    TlsTrust trust;
    std::string method = "GET";
    std::string target = "/";  // path and query
    Headers headers;
    std::string body;       // sent when body_file is empty
    std::string body_file;  // when set, the body is this file's content, streamed
    std::chrono::milliseconds timeout{10000};  // for each step: resolve, connect, write, read
    // Called while the body is sent: bytes written so far, bytes in all.
    std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct HttpAnswer {
    int status = 0;  // 0: no answer; `error` says why
    std::string reason;
    Headers headers;
    std::string body;
    std::string error;

    // The first header of that name (case-insensitive); "" when absent.
    std::string header(std::string_view name) const;
};

// Sends `call` to host:port (a name or an IP literal). A TLS failure is an answer without
// status whose error names the certificate problem (or the handshake's) and host:port.
// Never throws.
HttpAnswer http_exchange(const std::string& host, int port, const HttpCall& call);

// A WebSocket connection that sends one text message and waits for the first text reply.
struct WebSocketCall {
    std::string host;
    int port = 0;
    bool tls = false;  // wss: a TLS handshake first, the server verified as `trust` says
    TlsTrust trust;
    std::string target = "/xiaozhi/v1/";
    Headers headers;
    std::string send_text;
    std::chrono::milliseconds timeout{10000};  // for the whole exchange
};

struct WebSocketAnswer {
    // Where it failed: "resolve", "connect", "tls", "handshake", "send", "read"; "" when it did
    // not.
    std::string stage;
    std::string error;
    int refusal_status = 0;  // the HTTP status when the upgrade was refused
    std::string reply;       // the first text message
};

// Connects, upgrades, sends `send_text`, reads text messages until the first one (binary
// ones are skipped), then closes. Never throws.
WebSocketAnswer websocket_first_reply(const WebSocketCall& call);

}  // namespace xiaozhi::client
