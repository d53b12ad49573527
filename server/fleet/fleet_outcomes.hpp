// What every live instance of a fleet did with a pushed remote revision, as the push answers it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fleet/etcd_client.hpp"

namespace xiaozhi::server {

// Reads the registry under `instances_prefix` every 50 ms until no instance is pending
// `revision` or `wait` has passed, and returns [{"instance", "websocket_url", "outcome",
// "reason"}] sorted by instance id. With etcd away it returns what it read last (an empty
// array when it read nothing).
nlohmann::json collect_push_outcomes(EtcdClient& etcd, const std::string& instances_prefix,
                                     std::uint64_t revision, std::chrono::milliseconds wait);

}  // namespace xiaozhi::server
