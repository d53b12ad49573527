// What the admin API may ask of the running server: its configuration, and applying a new remote
// layer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "analysis/finding.hpp"
#include "config/layer.hpp"

#include "remote_revisions.hpp"
#include "running_config.hpp"

namespace xiaozhi::server {

struct ApplyResult {
    bool applied = false;
    // The analysis of the candidate: errors refused it (409), warnings are reported either way.
    std::vector<analysis::Finding> findings;
    // Why it was not applied when findings do not say it: a failed rebind or persist (500/503).
    std::string error;
};

class ServerControl {
  public:
    virtual ~ServerControl() = default;

    // The configuration in force. Thread-safe.
    virtual std::shared_ptr<const RunningConfig> current() const = 0;

    // Replaces the remote layer with `remote` (nullopt-like: a layer with an empty
    // tree removes it): loads the candidate, runs the analysis with a live host probe
    // (the same rules as check-ports; errors refuse it, nothing changes), rebinds
    // new-before-old when a port changed, then calls `persist` (which writes the
    // revision and returns its ETag, or throws std::runtime_error to refuse), then
    // publishes the new RunningConfig. Serialised: one apply at a time. Thread-safe.
    virtual ApplyResult apply_remote(const config::Layer& remote,
                                     const std::function<std::string()>& persist) = 0;

    // Where the remote layer's revisions live: <state_dir>/remote/ (this default), or etcd
    // in a fleet.
    virtual std::unique_ptr<RemoteRevisions> remote_revisions() const;
    // In a fleet: every live instance's outcome of `revision` (an array of {"instance",
    // "websocket_url", "outcome": "applied" | "refused" | "pending" | "superseded",
    // "reason"}), waiting up to `wait` while some have not reported it. Null (this
    // default) without a fleet.
    virtual nlohmann::json fleet_outcomes(std::uint64_t revision,
                                          std::chrono::milliseconds wait) const;
};

}  // namespace xiaozhi::server
