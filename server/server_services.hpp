// What every connection handler shares: the control of the server, its metrics and its sessions.
#pragma once

#include "metrics.hpp"
#include "server_control.hpp"
#include "session_registry.hpp"

namespace xiaozhi::server {

// Owned by the server; outlives every connection (connections end before it is destroyed).
struct ServerServices {
    ServerControl& control;
    Metrics& metrics;
    SessionRegistry& sessions;
};

}  // namespace xiaozhi::server
