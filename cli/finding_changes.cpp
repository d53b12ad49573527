// Findings introduced and resolved by a configuration change, matched by rule, key and severity.
#include "finding_changes.hpp"

#include <map>
#include <tuple>

#include "analysis/deployments.hpp"
#include "host/snapshot.hpp"
#include "runtime_choice.hpp"

namespace xiaozhi::cli {

namespace {

using FindingIdentity = std::tuple<std::string, std::string, analysis::Severity>;

FindingIdentity identity_of(const analysis::Finding& finding) {
    return {finding.rule, finding.key, finding.severity};
}

// The findings of `side` that `other` has no match for; each finding of `other` matches once.
std::vector<analysis::Finding> unmatched(const std::vector<analysis::Finding>& side,
                                         const std::vector<analysis::Finding>& other) {
    std::map<FindingIdentity, int> available;
    for (const analysis::Finding& finding : other) ++available[identity_of(finding)];
    std::vector<analysis::Finding> left;
    for (const analysis::Finding& finding : side) {
        int& count = available[identity_of(finding)];
        if (count > 0) {
            --count;
        } else {
            left.push_back(finding);
        }
    }
    return left;
}

}  // namespace

bool FindingChanges::introduces_error() const {
    for (const analysis::Finding& finding : introduced) {
        if (finding.severity == analysis::Severity::error) return true;
    }
    return false;
}

FindingChanges compare_findings(const config::Loaded& before, const config::Loaded& after,
                                const std::string& runtime_flag) {
    const host::Snapshot no_host;
    const std::vector<analysis::Finding> before_findings =
        analysis::analyze_deployments(before, choose_runtime(runtime_flag, before), no_host);
    const std::vector<analysis::Finding> after_findings =
        analysis::analyze_deployments(after, choose_runtime(runtime_flag, after), no_host);
    return {unmatched(after_findings, before_findings), unmatched(before_findings, after_findings)};
}

}  // namespace xiaozhi::cli
