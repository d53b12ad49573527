// upstream_request: which of the device's headers go on, and what the relay adds.
#include "relay/upstream_request.hpp"

#include <algorithm>
#include <array>

#include "protocol/device_token.hpp"

namespace xiaozhi::server {

namespace {

// Headers of this hop or of the WebSocket handshake, and those the relay sets itself.
bool replaced(std::string_view name) {
    static constexpr std::array<std::string_view, 15> names = {"host",
                                                               "connection",
                                                               "upgrade",
                                                               "keep-alive",
                                                               "proxy-connection",
                                                               "te",
                                                               "trailer",
                                                               "transfer-encoding",
                                                               "content-length",
                                                               "sec-websocket-key",
                                                               "sec-websocket-version",
                                                               "sec-websocket-extensions",
                                                               "sec-websocket-protocol",
                                                               "sec-websocket-accept",
                                                               "x-real-ip"};
    return std::any_of(names.begin(), names.end(),
                       [&](std::string_view known) { return same_header_name(name, known); });
}

}  // namespace

UpstreamRequest upstream_request(const HttpRequest& device, std::string_view upstream_path,
                                 std::string_view upstream_query, const DeviceIdentity& identity,
                                 std::string_view peer_address, std::string_view auth_key,
                                 std::int64_t now) {
    UpstreamRequest request;
    request.target = upstream_path.empty() ? "/" : std::string(upstream_path);
    std::string query(upstream_query);
    if (!device.query.empty()) query += (query.empty() ? "" : "&") + device.query;
    if (!query.empty()) request.target += "?" + query;
    std::string forwarded_for;
    for (const auto& [name, value] : device.headers) {
        if (replaced(name)) continue;
        if (same_header_name(name, "x-forwarded-for")) {
            forwarded_for += (forwarded_for.empty() ? "" : ", ") + value;
            continue;
        }
        if (!auth_key.empty() && same_header_name(name, "authorization")) continue;
        request.headers.emplace_back(name, value);
    }
    if (!peer_address.empty()) {
        forwarded_for += (forwarded_for.empty() ? "" : ", ") + std::string(peer_address);
        request.headers.emplace_back("X-Real-IP", std::string(peer_address));
    }
    if (!forwarded_for.empty()) request.headers.emplace_back("X-Forwarded-For", forwarded_for);
    if (!auth_key.empty()) {
        request.headers.emplace_back("Authorization",
                                     "Bearer " + protocol::make_token(auth_key, identity.client_id,
                                                                      identity.device_id, now));
    }
    return request;
}

}  // namespace xiaozhi::server
