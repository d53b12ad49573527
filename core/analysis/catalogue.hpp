// The rule catalogue: stable ids, default severities and one-line descriptions.
#pragma once

#include <string>
#include <vector>

#include "analysis/finding.hpp"

namespace xiaozhi::analysis {

struct RuleInfo {
    std::string id;
    Severity severity;  // the highest severity the rule reports
    std::string description;
};

// Every rule of DESIGN.md, in catalogue order.
const std::vector<RuleInfo>& rule_catalogue();
const RuleInfo* find_rule(const std::string& id);

}  // namespace xiaozhi::analysis
