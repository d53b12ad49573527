// admit_session: a device session's place among server.max_connections, or the refusal counted and
// logged.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "http_message.hpp"
#include "server_services.hpp"

namespace xiaozhi::server {

// Registers `session` unless server.max_connections (`limit`) sessions are registered
// already; then counts handshake_failures "too_many", logs websocket_rejected and returns
// 0 (the caller answers 503 with too_many_connections_response()).
std::uint64_t admit_session(const ServerServices& services,
                            const std::weak_ptr<ClosableSession>& session, int limit,
                            const std::string& peer, const std::string& device_id);

HttpResponse too_many_connections_response();

}  // namespace xiaozhi::server
