// What each fleet instance did with a pushed remote revision, read from its registry entry.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xiaozhi::fleet {

enum class PushOutcome { applied, refused, pending, superseded };

std::string_view push_outcome_name(PushOutcome outcome);

struct InstanceOutcome {
    std::string instance;
    std::string websocket_url;
    PushOutcome outcome = PushOutcome::pending;
    std::string reason;  // refused: why
};

// The outcome of `revision` on the instance whose registry entry is `json`: applied when
// it runs that revision ("remote_revision"), superseded when it runs a later one, refused
// when its "remote_outcome" refused that revision, pending otherwise (also for an entry
// that is not such JSON).
InstanceOutcome outcome_of(std::string_view instance, std::string_view json,
                           std::uint64_t revision);

}  // namespace xiaozhi::fleet
