// upstream.ota: a device's OTA request forwarded to the management API (or the reference's OTA),
// the answer handed back with serve's own WebSocket address.
#pragma once

#include <functional>

#include "connection_types.hpp"
#include "http_message.hpp"
#include "server_services.hpp"

namespace xiaozhi::server {

// Whether the configuration in force passes OTA requests through (upstream.ota set).
bool passes_ota_through(const RunningConfig& config);

// Forwards `request` (method, headers but the hop-by-hop ones, body, the device's address in
// X-Forwarded-For and X-Real-IP) to upstream.ota within upstream.ota_timeout, and calls `done`
// on `executor` with the answer to send: the upstream's, websocket.url replaced by serve's own
// (websocket.token too when server.auth is on); its 4xx answers as they are. When the upstream
// is down (refused, timeout, 5xx, not JSON): serve's own OTA answer with
// upstream.ota_fallback = "local", else 502. Logged and counted in ota_requests.
void pass_ota_through(const ConnectionExecutor& executor, const HttpRequest& request,
                      const ServerServices& services, std::function<void(HttpResponse)> done);

}  // namespace xiaozhi::server
