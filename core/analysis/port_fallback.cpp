// port_fallback_allowed and soften_for_port_fallback: the policy read once, for serve and ota-push.
#include "analysis/port_fallback.hpp"

namespace xiaozhi::analysis {

namespace {

std::string policy_of(const config::Effective& effective) {
    return effective.get_string("server.port_fallback").value_or("fail");
}

bool is_listen_port_key(const std::string& key) {
    return key == "server.port" || key == "server.http_port";
}

}  // namespace

bool port_fallback_allowed(const config::Effective& effective) {
    const std::string policy = policy_of(effective);
    return policy == "next" || policy == "any";
}

void soften_for_port_fallback(std::vector<Finding>& findings, const config::Effective& effective) {
    if (!port_fallback_allowed(effective)) return;
    const std::string policy = policy_of(effective);
    for (auto& finding : findings) {
        if (finding.rule == "port.in-use" && is_listen_port_key(finding.key)) {
            finding.severity = Severity::warning;
            finding.message += " (server.port_fallback = " + policy + " picks another port)";
        }
    }
    sort_findings(findings);
}

}  // namespace xiaozhi::analysis
