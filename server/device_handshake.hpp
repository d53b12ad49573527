// The decision on a device's WebSocket upgrade request: path, identity, authentication, framing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http_message.hpp"
#include "protocol/binary_frame.hpp"
#include "settings.hpp"

namespace xiaozhi::server {

// Who a connection says it is (`Device-Id` / `Client-Id`, or the browser's query parameters).
struct DeviceIdentity {
    std::string device_id;
    std::string client_id;
};

enum class HandshakeOutcome {
    accept,        // upgrade and run a session
    no_device_id,  // upgrade, tell the peer how to connect, close (as the reference does)
    reject,        // answer `status` with a JSON error instead of upgrading
};

struct HandshakeDecision {
    HandshakeOutcome outcome = HandshakeOutcome::accept;
    int status = 101;    // the HTTP status of a rejection (400, 401, 404)
    std::string reason;  // metric label of a failure: "not_found", "unauthorized", ...
    std::string detail;  // what a rejection's body and the log line say
    DeviceIdentity identity;
    protocol::BinaryProtocol version = protocol::BinaryProtocol::v1;
};

// The text sent before closing a connection that named no device (the reference's
// sentence, with an English one before it).
inline constexpr std::string_view kNoDeviceIdNotice =
    "Port is working; no device-id given: connect with a Device-Id header or ?device-id= "
    "(端口正常，如需测试连接，请使用test_page.html)";

// Whether `path` is the device endpoint: /xiaozhi/v1/ or /xiaozhi/v1.
bool is_device_path(std::string_view path);

// Decides on an upgrade request (path, headers and query of `request`) at Unix time
// `now`: another path is a 404; identity from the headers `Device-Id`, `Client-Id`,
// `Authorization: Bearer`, else the query parameters `device-id`, `client-id`,
// `authorization`; `Protocol-Version` 1, 2 or 3 (absent: 1; another value: 400).
// With settings.auth.enabled, a device outside auth.allowed_devices needs a token
// that protocol::verify_token accepts, else 401.
HandshakeDecision decide_handshake(const HttpRequest& request, const ServerSettings& settings,
                                   std::int64_t now);

// The HTTP answer to a rejected upgrade: the status and {"error": detail}.
HttpResponse rejection_response(const HandshakeDecision& decision);

}  // namespace xiaozhi::server
