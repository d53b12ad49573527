// The one analysis pipeline the subcommands share: loaded config -> model -> findings.
#pragma once

#include <string>
#include <vector>

#include "analysis/finding.hpp"
#include "config/load.hpp"
#include "deploy/model.hpp"
#include "host/snapshot.hpp"

namespace xiaozhi::cli {

// The runtime named by --runtime, or, when empty, python for a xiaozhi-server folder or a
// .yaml file and xiaozhi for everything else.
deploy::Runtime choose_runtime(const std::string& runtime_flag, const config::Loaded& loaded);

// deploy::build_model then analysis::analyze.
std::vector<analysis::Finding> analyze_loaded(const config::Loaded& loaded, deploy::Runtime runtime,
                                              const host::Snapshot& snapshot);

}  // namespace xiaozhi::cli
