// FleetDirectory: a mutex around the last registry read and choose_instance.
#include "fleet/fleet_directory.hpp"

namespace xiaozhi::server {

void FleetDirectory::configure(std::string self_id, fleet::Balance balance, bool sticky) {
    std::lock_guard lock(mutex_);
    self_id_ = std::move(self_id);
    balance_ = balance;
    sticky_ = sticky;
    configured_ = true;
}

void FleetDirectory::update(std::vector<fleet::InstanceView> instances) {
    std::lock_guard lock(mutex_);
    instances_ = std::move(instances);
    connected_ = true;
}

void FleetDirectory::disconnected() {
    std::lock_guard lock(mutex_);
    instances_.clear();
    connected_ = false;
}

bool FleetDirectory::configured() const {
    std::lock_guard lock(mutex_);
    return configured_;
}

bool FleetDirectory::connected() const {
    std::lock_guard lock(mutex_);
    return connected_;
}

void FleetDirectory::render_prometheus(std::string& text) const {
    std::lock_guard lock(mutex_);
    if (!configured_) return;
    text +=
        "# HELP xiaozhi_fleet_connected Whether etcd answered the fleet's last request.\n"
        "# TYPE xiaozhi_fleet_connected gauge\n"
        "xiaozhi_fleet_connected " +
        std::string(connected_ ? "1" : "0") +
        "\n# HELP xiaozhi_fleet_instances Instances in the registry as last read.\n"
        "# TYPE xiaozhi_fleet_instances gauge\n"
        "xiaozhi_fleet_instances " +
        std::to_string(instances_.size()) + "\n";
}

std::string FleetDirectory::websocket_url_for(std::string_view device_id, const std::string& own,
                                              const std::string& own_revision) const {
    std::lock_guard lock(mutex_);
    if (instances_.empty()) return own;
    std::vector<fleet::InstanceView> usable = instances_;
    for (fleet::InstanceView& instance : usable) {
        if (instance.id != self_id_ && instance.remote_revision != own_revision) {
            instance.healthy = false;
        }
    }
    const auto chosen = fleet::choose_instance(usable, self_id_, device_id, balance_, sticky_);
    // This instance's own entry may lag behind its running address (a change just applied).
    if (!chosen || usable[*chosen].id == self_id_) return own;
    return usable[*chosen].websocket_url;
}

std::vector<fleet::InstanceView> FleetDirectory::instances() const {
    std::lock_guard lock(mutex_);
    return instances_;
}

}  // namespace xiaozhi::server
