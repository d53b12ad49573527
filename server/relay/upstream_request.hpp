// The upgrade request a relayed session sends its upstream, made from the device's own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "device_handshake.hpp"
#include "http_message.hpp"
#include "relay/upstream_dial.hpp"

namespace xiaozhi::server {

// The device's request as the upstream should see it: the upstream URL's path with the
// device's query string (browser clients send their ids there), every header the device sent
// except the hop-by-hop and WebSocket handshake ones (the dialer writes its own), the device's
// address in X-Forwarded-For (appended to a proxy's) and X-Real-IP, and, when `auth_key` is
// not empty, Authorization re-signed with it in the reference's token format at `now`.
UpstreamRequest upstream_request(const HttpRequest& device, std::string_view upstream_path,
                                 std::string_view upstream_query, const DeviceIdentity& identity,
                                 std::string_view peer_address, std::string_view auth_key,
                                 std::int64_t now);

}  // namespace xiaozhi::server
