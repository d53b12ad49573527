// What every connection handler shares: the server's control, metrics, sessions, firmware list,
// upstreams, fleet.
#pragma once

#include "firmware_listing.hpp"
#include "fleet/fleet_directory.hpp"
#include "metrics.hpp"
#include "relay/upstream_pool.hpp"
#include "server_control.hpp"
#include "session_registry.hpp"

namespace xiaozhi::server {

// Owned by the server; outlives every connection (connections end before it is destroyed).
struct ServerServices {
    ServerControl& control;
    Metrics& metrics;
    SessionRegistry& sessions;
    FirmwareListing& firmware;
    UpstreamPool& upstreams;      // the relay backend's upstreams (empty with the echo backend)
    const FleetDirectory& fleet;  // the fleet's instances (none without fleet.etcd)
};

}  // namespace xiaozhi::server
