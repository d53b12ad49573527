// fleet_peer_of: a registry entry's JSON read into a FleetPeer.
#include "analysis/fleet_view.hpp"

#include <nlohmann/json.hpp>

namespace xiaozhi::analysis {

std::optional<FleetPeer> fleet_peer_of(std::string_view id, std::string_view json) {
    const nlohmann::json entry = nlohmann::json::parse(json, nullptr, false);
    if (!entry.is_object()) return std::nullopt;
    FleetPeer peer;
    peer.id = std::string(id);
    const auto text = [&](const char* name) {
        const auto it = entry.find(name);
        return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    peer.host = text("host");
    peer.address = text("address");
    peer.websocket_url = text("websocket_url");
    peer.remote_revision = text("remote_revision");
    if (const auto ports = entry.find("ports"); ports != entry.end() && ports->is_object()) {
        for (const auto& [name, port] : ports->items()) {
            if (port.is_number_integer() && port.get<int>() > 0)
                peer.ports.push_back(port.get<int>());
        }
    }
    return peer;
}

}  // namespace xiaozhi::analysis
