// The fleet's registry as the analysis sees it: the other instances, their hosts, ports,
// advertised URLs and remote revisions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xiaozhi::analysis {

// One registry entry (/xiaozhi/<name>/instances/<id>).
struct FleetPeer {
    std::string id;
    std::string host;           // the machine's name ("host")
    std::string address;        // bind address ("address")
    std::vector<int> ports;     // bound ports ("ports": websocket, http, tls; 0s left out)
    std::string websocket_url;  // what it hands out
    std::string remote_revision;
};

// What a registry read found, for fleet.port-conflict, fleet.duplicate-url and
// fleet.revision-mismatch.
struct FleetView {
    std::string source;     // where it was read, e.g. "etcd http://10.0.0.5:2379 fleet prod"
    std::string self_id;    // this configuration's fleet.instance: its own entry is skipped
    std::string self_host;  // this machine's name: peers on it share its ports
    // The remote layer's revision in etcd; nullopt when unknown.
    std::optional<std::string> remote_revision;
    std::vector<FleetPeer> peers;
};

// The entry of instance `id` read, or nullopt when `json` is not such a JSON object.
std::optional<FleetPeer> fleet_peer_of(std::string_view id, std::string_view json);

}  // namespace xiaozhi::analysis
