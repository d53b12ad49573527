// choose_instance: free capacity first; sticky through the relay's rendezvous hashing.
#include "fleet/instance_choice.hpp"

#include <vector>

#include <nlohmann/json.hpp>

#include "relay/upstream_choice.hpp"

namespace xiaozhi::fleet {

namespace {

bool has_room(const InstanceView& instance) {
    return instance.healthy && !instance.websocket_url.empty() &&
           instance.capacity > instance.sessions;
}

// An integer field (0 when absent); nullopt for any other value, a float included (it could
// not be converted safely).
std::optional<std::int64_t> whole_number(const nlohmann::json& entry, const char* name) {
    const auto it = entry.find(name);
    if (it == entry.end()) return 0;
    if (!it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

}  // namespace

std::optional<InstanceView> instance_view_of(std::string_view id, std::string_view json) {
    const nlohmann::json entry = nlohmann::json::parse(json, nullptr, false);
    if (!entry.is_object()) return std::nullopt;
    try {
        InstanceView view;
        view.id = std::string(id);
        view.websocket_url = entry.value("websocket_url", std::string());
        const auto sessions = whole_number(entry, "sessions");
        const auto capacity = whole_number(entry, "capacity");
        if (!sessions || !capacity) return std::nullopt;
        view.sessions = *sessions;
        view.capacity = *capacity;
        view.healthy = entry.value("health", std::string()) == "ok";
        view.remote_revision = entry.value("remote_revision", std::string());
        return view;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::optional<std::size_t> choose_instance(std::span<const InstanceView> instances,
                                           std::string_view self_id, std::string_view device_id,
                                           Balance balance, bool sticky) {
    if (balance == Balance::self) return std::nullopt;
    if (sticky && !device_id.empty()) {
        std::vector<relay::UpstreamView> views;
        for (const InstanceView& instance : instances) {
            relay::UpstreamView view{instance.id};
            view.healthy = has_room(instance);
            views.push_back(view);
        }
        return relay::choose_upstream(views, device_id, true, {});
    }
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < instances.size(); ++i) {
        const InstanceView& instance = instances[i];
        if (!has_room(instance)) continue;
        if (!best) {
            best = i;
            continue;
        }
        const InstanceView& leader = instances[*best];
        const std::int64_t free = instance.capacity - instance.sessions;
        const std::int64_t leader_free = leader.capacity - leader.sessions;
        const bool wins =
            free > leader_free || (free == leader_free && leader.id != self_id &&
                                   (instance.id == self_id || instance.id < leader.id));
        if (wins) best = i;
    }
    return best;
}

}  // namespace xiaozhi::fleet
