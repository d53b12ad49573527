// check_config: the pipeline of DESIGN.md for serve, and how its findings are shown.
#include "config_check.hpp"

#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "analysis/deployments.hpp"
#include "analysis/port_fallback.hpp"
#include "host/linux_probe.hpp"
#include "report/findings_report.hpp"

namespace xiaozhi::server {

using analysis::Finding;
using analysis::Severity;

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
    candidate.findings =
        analysis::analyze_deployments(loaded, deploy::Runtime::xiaozhi, candidate.host);
    analysis::soften_for_port_fallback(candidate.findings, loaded.effective);
    candidate.loaded = std::move(loaded);
    return candidate;
}

}  // namespace xiaozhi::server
