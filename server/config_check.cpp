// check_config: the pipeline of DESIGN.md for serve, and how its findings are shown.
#include "config_check.hpp"

#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "analysis/analyze.hpp"
#include "deploy/model.hpp"
#include "host/linux_probe.hpp"
#include "port_binding.hpp"
#include "report/findings_report.hpp"

namespace xiaozhi::server {

namespace {

using analysis::Finding;
using analysis::Severity;

bool is_listen_port_key(const std::string& key) {
    return key == "server.port" || key == "server.http_port";
}

// With a fallback policy a taken listen port is handled at bind time, not refused.
void soften_for_fallback(std::vector<Finding>& findings, PortFallback policy) {
    if (policy == PortFallback::fail) return;
    for (auto& finding : findings) {
        if (finding.rule == "port.in-use" && is_listen_port_key(finding.key)) {
            finding.severity = Severity::warning;
            finding.message += fmt::format(" (server.port_fallback = {} picks another port)",
                                           port_fallback_name(policy));
        }
    }
    analysis::sort_findings(findings);
}

}  // namespace

void log_findings(const std::vector<Finding>& findings) {
    for (const auto& finding : findings) {
        const std::string line = fmt::format(
            "finding rule={} key={} origin={} message=\"{}\"{}", finding.rule, finding.key,
            finding.origin.to_string(), finding.message,
            finding.suggestion.empty() ? "" : " suggestion=\"" + finding.suggestion + "\"");
        if (finding.severity == Severity::error) {
            spdlog::error("{}", line);
        } else if (finding.severity == Severity::warning) {
            spdlog::warn("{}", line);
        } else {
            spdlog::info("{}", line);
        }
    }
}

std::string findings_text(const std::vector<Finding>& findings) {
    std::ostringstream out;
    report::FindingsContext context;
    context.tool_version = XIAOZHI_VERSION;
    report::write_findings(out, report::Format::text, findings, context);
    return out.str();
}

Candidate check_config(config::Loaded loaded, const std::string& base_dir, bool probe,
                       const std::string& fallback_auth_key) {
    Candidate candidate;
    candidate.settings = read_server_settings(loaded.effective, base_dir);
    if (candidate.settings.auth.key.empty()) candidate.settings.auth.key = fallback_auth_key;
    if (probe) {
        host::ProbeOptions options;
        options.state_dirs.push_back(candidate.settings.state_dir);
        candidate.host = host::probe_linux(options);
    }
    const deploy::Model model =
        deploy::build_model(loaded.effective, loaded.compose, deploy::Runtime::xiaozhi);
    candidate.findings = analysis::analyze({loaded.effective, model, candidate.host});
    soften_for_fallback(candidate.findings, candidate.settings.port_fallback);
    candidate.loaded = std::move(loaded);
    return candidate;
}

}  // namespace xiaozhi::server
