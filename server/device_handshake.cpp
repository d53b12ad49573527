// decide_handshake: path check, identity from headers or query, token and allow-list, framing
// version.
#include "device_handshake.hpp"

#include <algorithm>

#include "error_response.hpp"
#include "protocol/device_token.hpp"

namespace xiaozhi::server {

namespace {

HandshakeDecision rejected(int status, std::string reason, std::string detail) {
    HandshakeDecision decision;
    decision.outcome = HandshakeOutcome::reject;
    decision.status = status;
    decision.reason = std::move(reason);
    decision.detail = std::move(detail);
    return decision;
}

std::string header_or_query(const HttpRequest& request, std::string_view header,
                            std::string_view parameter) {
    std::string value = request.header(header);
    if (value.empty()) value = request.query_parameter(parameter);
    return value;
}

// The token of an Authorization header, or of the query parameter, which browser
// clients fill with "Bearer <token>" or the bare token.
std::string presented_token(const HttpRequest& request) {
    const std::string header = request.header("Authorization");
    if (!header.empty()) return std::string(protocol::bearer_token(header).value_or(""));
    const std::string parameter = request.query_parameter("authorization");
    if (const auto token = protocol::bearer_token(parameter)) return std::string(*token);
    return parameter.find(' ') == std::string::npos ? parameter : std::string{};
}

}  // namespace

bool is_device_path(std::string_view path) {
    return path == "/xiaozhi/v1/" || path == "/xiaozhi/v1";
}

HandshakeDecision decide_handshake(const HttpRequest& request, const ServerSettings& settings,
                                   std::int64_t now) {
    if (!is_device_path(request.path)) {
        return rejected(404, "not_found", "no WebSocket endpoint at " + request.path);
    }
    HandshakeDecision decision;
    const std::string version_text = request.header("Protocol-Version");
    if (!version_text.empty()) {
        const auto version = protocol::parse_binary_protocol(version_text);
        if (!version) {
            return rejected(400, "bad_protocol_version",
                            "Protocol-Version must be 1, 2 or 3, not " + version_text);
        }
        decision.version = *version;
    }
    decision.identity.device_id = header_or_query(request, "Device-Id", "device-id");
    decision.identity.client_id = header_or_query(request, "Client-Id", "client-id");
    if (decision.identity.device_id.empty()) {
        decision.outcome = HandshakeOutcome::no_device_id;
        decision.reason = "no_device_id";
        decision.detail = "no Device-Id header or device-id parameter";
        return decision;
    }
    const AuthSettings& auth = settings.auth;
    if (!auth.enabled) return decision;
    const auto& allowed = auth.allowed_devices;
    if (std::find(allowed.begin(), allowed.end(), decision.identity.device_id) != allowed.end()) {
        return decision;
    }
    const std::string token = presented_token(request);
    if (token.empty()) return rejected(401, "unauthorized", "no token: authentication is on");
    const protocol::TokenCheck check =
        protocol::verify_token(auth.key, token, decision.identity.client_id,
                               decision.identity.device_id, now, auth.expire_seconds);
    if (check != protocol::TokenCheck::ok) {
        return rejected(401, "unauthorized",
                        "token " + std::string(protocol::token_check_name(check)));
    }
    return decision;
}

HttpResponse rejection_response(const HandshakeDecision& decision) {
    return error_response(decision.status, decision.detail);
}

}  // namespace xiaozhi::server
