// UpstreamHealth: consecutive check results against the fall and rise thresholds.
#include "relay/upstream_health.hpp"

#include <algorithm>

namespace xiaozhi::relay {

UpstreamHealth::UpstreamHealth(int fall, int rise)
    : fall_(std::max(fall, 1)), rise_(std::max(rise, 1)) {}

bool UpstreamHealth::record(bool success) {
    if (success) {
        ++successes_;
        failures_ = 0;
    } else {
        ++failures_;
        successes_ = 0;
    }
    const bool was_healthy = healthy_;
    if (healthy_ && failures_ >= fall_) healthy_ = false;
    if (!healthy_ && successes_ >= rise_) healthy_ = true;
    return healthy_ != was_healthy;
}

}  // namespace xiaozhi::relay
