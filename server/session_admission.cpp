// admit_session: the registry's limit check, with the metric and the log line of a refusal.
#include "session_admission.hpp"

#include <algorithm>

#include "log_event.hpp"

namespace xiaozhi::server {

std::uint64_t admit_session(const ServerServices& services,
                            const std::weak_ptr<ClosableSession>& session, int limit,
                            const std::string& peer, const std::string& device_id) {
    const auto cap = static_cast<std::size_t>(std::max(0, limit));
    const std::uint64_t id = services.sessions.add(session, cap);
    if (id != 0) return id;
    services.metrics.handshake_failures.add("too_many");
    log_warn("websocket_rejected", "websocket rejected",
             {{"peer", peer},
              {"device", device_id},
              {"status", 503},
              {"reason", "too_many"},
              {"limit", cap}});
    return 0;
}

HttpResponse too_many_connections_response() {
    return json_response(503, R"({"error":"too many connections"})");
}

}  // namespace xiaozhi::server
