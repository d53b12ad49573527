// FleetDirectory: a mutex around the last registry read and choose_instance.
#include "fleet/fleet_directory.hpp"

namespace xiaozhi::server {

void FleetDirectory::configure(std::string self_id, fleet::Balance balance, bool sticky) {
    std::lock_guard lock(mutex_);
    self_id_ = std::move(self_id);
    balance_ = balance;
    sticky_ = sticky;
}

void FleetDirectory::update(std::vector<fleet::InstanceView> instances) {
    std::lock_guard lock(mutex_);
    instances_ = std::move(instances);
}

std::string FleetDirectory::websocket_url_for(std::string_view device_id,
                                              const std::string& own) const {
    std::lock_guard lock(mutex_);
    const auto chosen = fleet::choose_instance(instances_, self_id_, device_id, balance_, sticky_);
    return chosen ? instances_[*chosen].websocket_url : own;
}

std::vector<fleet::InstanceView> FleetDirectory::instances() const {
    std::lock_guard lock(mutex_);
    return instances_;
}

}  // namespace xiaozhi::server
