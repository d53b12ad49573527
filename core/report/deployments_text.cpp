// The compose projects a finding is about, as the text-only formats show them.
#include "report/findings_writers.hpp"

namespace xiaozhi::report {

std::string deployments_text(const analysis::Finding& finding) {
    std::string text;
    for (const auto& deployment : finding.deployments) {
        text += (text.empty() ? "" : ", ") + deployment;
    }
    return text;
}

std::string message_with_deployments(const analysis::Finding& finding) {
    if (finding.deployments.empty()) return finding.message;
    return finding.message + " (compose project" + (finding.deployments.size() > 1 ? "s " : " ") +
           deployments_text(finding) + ")";
}

}  // namespace xiaozhi::report
