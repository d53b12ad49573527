// Run every rule over a configuration, its deployment model and a host snapshot.
#pragma once

#include <vector>

#include "analysis/finding.hpp"
#include "config/effective.hpp"
#include "deploy/model.hpp"
#include "host/snapshot.hpp"

namespace xiaozhi::analysis {

struct Inputs {
    const config::Effective& effective;
    const deploy::Model& model;
    const host::Snapshot& host;  // probed == false: rules needing the host stay quiet
};

// All findings, sorted with sort_findings. Never reads the machine itself.
std::vector<Finding> analyze(const Inputs& inputs);

}  // namespace xiaozhi::analysis
