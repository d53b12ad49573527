// The fleet's registry read from etcd for the analysis (serve's start, check-ports --fleet).
#pragma once

#include <string>

#include "analysis/fleet_view.hpp"
#include "fleet/etcd_client.hpp"

namespace xiaozhi::server {

// Every entry under /xiaozhi/<fleet_name>/instances/ and the remote key's revision. Throws
// EtcdUnavailable (and std::runtime_error for an answer etcd should not give).
analysis::FleetView read_fleet_view(EtcdClient& etcd, const std::string& fleet_name,
                                    std::string self_id, std::string self_host);

// This machine's name as registry entries record it ("host").
std::string this_host_name();

}  // namespace xiaozhi::server
