// What every connection handler shares: the server's control, metrics, sessions, firmware list.
#pragma once

#include "firmware_listing.hpp"
#include "metrics.hpp"
#include "server_control.hpp"
#include "session_registry.hpp"

namespace xiaozhi::server {

// Owned by the server; outlives every connection (connections end before it is destroyed).
struct ServerServices {
    ServerControl& control;
    Metrics& metrics;
    SessionRegistry& sessions;
    FirmwareListing& firmware;
};

}  // namespace xiaozhi::server
