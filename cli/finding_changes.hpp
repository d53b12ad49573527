// diff-config --check: the findings one side of a change introduces and resolves.
#pragma once

#include <string>
#include <vector>

#include "analysis/finding.hpp"
#include "config/load.hpp"

namespace xiaozhi::cli {

struct FindingChanges {
    std::vector<analysis::Finding> introduced;  // found in after, not in before
    std::vector<analysis::Finding> resolved;    // found in before, not in after

    bool introduces_error() const;
};

// Analyses both sides without probing the host (runtime from `runtime_flag` or each side's
// layout) and matches findings by rule, key and severity, counting duplicates.
FindingChanges compare_findings(const config::Loaded& before, const config::Loaded& after,
                                const std::string& runtime_flag);

}  // namespace xiaozhi::cli
