// FleetDirectory: the fleet's instances as this serve last read them, and the address an OTA answer
// hands out.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fleet/instance_choice.hpp"

namespace xiaozhi::server {

// Updated by the fleet's thread, read by every OTA request. Without a fleet (or while the
// registry cannot be read) it knows no instance and every device gets this serve's address.
class FleetDirectory {
  public:
    void configure(std::string self_id, fleet::Balance balance, bool sticky);
    // The registry as just read (etcd answered); an empty list when it could not be read.
    void update(std::vector<fleet::InstanceView> instances);
    // etcd did not answer: no instance is known until it does again.
    void disconnected();

    // The WebSocket URL for `device_id`: the chosen instance's, or `own`. Only instances
    // that run `own_revision` of the remote layer are handed out: one that has not applied
    // a push yet (or refused it) may advertise an address the push moved.
    std::string websocket_url_for(std::string_view device_id, const std::string& own,
                                  const std::string& own_revision) const;
    std::vector<fleet::InstanceView> instances() const;

    bool configured() const;  // fleet.etcd is set
    bool connected() const;   // etcd answered the last request
    // xiaozhi_fleet_connected and xiaozhi_fleet_instances, with a fleet only.
    void render_prometheus(std::string& text) const;

  private:
    mutable std::mutex mutex_;
    std::string self_id_;
    fleet::Balance balance_ = fleet::Balance::least_loaded;
    bool sticky_ = false;
    bool configured_ = false;
    bool connected_ = false;
    std::vector<fleet::InstanceView> instances_;
};

}  // namespace xiaozhi::server
