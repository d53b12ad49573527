// Which upstream conversation server a new device session goes to: least-loaded or sticky.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace xiaozhi::relay {

// What the choice needs to know of one upstream of the pool.
struct UpstreamView {
    std::string_view key;  // the upstream's URL: what sticky hashing is keyed on
    int weight = 1;        // below 1: never chosen
    bool healthy = true;
    bool draining = false;   // removed from the list: no new sessions
    std::size_t active = 0;  // sessions relayed to it now
};

// The index of the upstream a session of `device_id` goes to, among the healthy,
// non-draining upstreams whose index is not in `excluded` (those that failed to connect
// for this session already); nullopt when there is none. Without `sticky` (or with an
// empty device id): the fewest active sessions per weight, ties to the lowest index.
// With `sticky`: weighted rendezvous hashing of (device_id, key), the same answer in every
// process, so a device keeps its upstream while that one stays a candidate and only the
// devices of an upstream that leaves move.
std::optional<std::size_t> choose_upstream(std::span<const UpstreamView> upstreams,
                                           std::string_view device_id, bool sticky,
                                           std::span<const std::size_t> excluded);

}  // namespace xiaozhi::relay
