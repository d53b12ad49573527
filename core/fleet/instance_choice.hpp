// Which fleet instance a device's OTA answer sends it to: the most free capacity, or sticky by
// device id.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace xiaozhi::fleet {

// One registry entry as the choice sees it.
struct InstanceView {
    std::string id;             // the key's last part (fleet.instance)
    std::string websocket_url;  // what devices are handed
    std::int64_t sessions = 0;
    std::int64_t capacity = 0;    // server.max_connections
    bool healthy = false;         // "health": "ok"
    std::string remote_revision;  // the remote layer it runs ("remote_revision")
};

enum class Balance { least_loaded, self };

// The entry of /xiaozhi/<name>/instances/<id> read, or nullopt when it is not such a JSON
// object (an entry another program wrote is ignored, never handed out).
std::optional<InstanceView> instance_view_of(std::string_view id, std::string_view json);

// The index of the instance to hand out, or nullopt for this instance's own URL (`self`
// balance, or no healthy instance with room): the healthy instance with the most free
// capacity (capacity - sessions; a tie goes to `self_id`, then to the lowest id), or with
// `sticky` the one rendezvous hashing of `device_id` gives among the healthy ones with room.
std::optional<std::size_t> choose_instance(std::span<const InstanceView> instances,
                                           std::string_view self_id, std::string_view device_id,
                                           Balance balance, bool sticky);

}  // namespace xiaozhi::fleet
