// The pipeline every subcommand shares: a model per deployment, the rules over each.
#pragma once

#include <vector>

#include "analysis/finding.hpp"
#include "analysis/fleet_view.hpp"
#include "config/load.hpp"
#include "deploy/model.hpp"
#include "host/snapshot.hpp"

namespace xiaozhi::analysis {

// deploy::build_models, then analyze() on each deployment, with its certificate files
// (read_tls_files) judged at the snapshot's time, else now (judgement_time). Each finding names the
// compose projects it is about in `deployments` (empty for a server run on the host);
// a finding that is the same in several projects is reported once, naming them all.
// Sorted with sort_findings.
// With `fleet`, the fleet rules check it against the fleet's registry.
std::vector<Finding> analyze_deployments(const config::Loaded& loaded, deploy::Runtime runtime,
                                         const host::Snapshot& host,
                                         const FleetView* fleet = nullptr);

}  // namespace xiaozhi::analysis
