// analyze_deployments(): each deployment a folder describes, shared findings merged.
#include "analysis/deployments.hpp"

#include <algorithm>
#include <tuple>

#include "analysis/analyze.hpp"
#include "analysis/tls_files.hpp"

namespace xiaozhi::analysis {

namespace {

bool same_finding(const Finding& a, const Finding& b) {
    const config::Position& pa = a.origin.pos;
    const config::Position& pb = b.origin.pos;
    return std::tie(a.rule, a.severity, a.key, a.message, a.suggestion, a.origin.layer, pa.file,
                    pa.line, pa.column) == std::tie(b.rule, b.severity, b.key, b.message,
                                                    b.suggestion, b.origin.layer, pb.file, pb.line,
                                                    pb.column);
}

}  // namespace

std::vector<Finding> analyze_deployments(const config::Loaded& loaded, deploy::Runtime runtime,
                                         const host::Snapshot& host, const FleetView* fleet) {
    std::vector<Finding> merged;
    const auto now = judgement_time(host);
    for (const deploy::Model& model : deploy::build_models(loaded, runtime)) {
        for (Finding& finding :
             analyze({loaded.effective, model, host, read_tls_files(model, host), now, fleet})) {
            auto same = std::find_if(merged.begin(), merged.end(), [&finding](const Finding& seen) {
                return same_finding(seen, finding);
            });
            if (same == merged.end()) {
                if (!model.deployment.empty()) finding.deployments.push_back(model.deployment);
                merged.push_back(std::move(finding));
            } else if (!model.deployment.empty()) {
                same->deployments.push_back(model.deployment);
            }
        }
    }
    sort_findings(merged);
    return merged;
}

}  // namespace xiaozhi::analysis
