// check_config: the pipeline of DESIGN.md for serve, and how its findings are shown.
#include "config_check.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "analysis/deployments.hpp"
#include "analysis/port_fallback.hpp"
#include "config/input_error.hpp"
#include "host/linux_probe.hpp"
#include "log_event.hpp"
#include "report/findings_report.hpp"

namespace xiaozhi::server {

using analysis::Finding;
using analysis::Severity;

void log_findings(const std::vector<Finding>& findings) {
    for (const auto& finding : findings) {
        const auto level = finding.severity == Severity::error     ? spdlog::level::err
                           : finding.severity == Severity::warning ? spdlog::level::warn
                                                                   : spdlog::level::info;
        const std::string origin = finding.origin.to_string();
        if (finding.suggestion.empty()) {
            log_event(level, "finding", "finding",
                      {{"rule", finding.rule},
                       {"key", finding.key},
                       {"origin", origin},
                       {"finding", finding.message}});
        } else {
            log_event(level, "finding", "finding",
                      {{"rule", finding.rule},
                       {"key", finding.key},
                       {"origin", origin},
                       {"finding", finding.message},
                       {"suggestion", finding.suggestion}});
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

void refuse_empty_files(const config::Loaded& loaded) {
    for (const config::Layer& layer : loaded.layers) {
        if (layer.kind != config::LayerKind::file || !layer.tree.entries.empty()) continue;
        std::ifstream in(layer.source, std::ios::binary);
        const std::string text{std::istreambuf_iterator<char>(in), {}};
        if (in.bad() || text.find_first_not_of(" \t\r\n") != std::string::npos) continue;
        throw config::InputError(config::Position{layer.source, 1, 1},
                                 "the configuration file is empty");
    }
}

Candidate check_config(config::Loaded loaded, const std::string& base_dir, bool probe,
                       const std::string& fallback_auth_key, const analysis::FleetView* fleet) {
    Candidate candidate;
    candidate.settings = read_server_settings(loaded.effective, base_dir);
    if (candidate.settings.auth.key.empty()) candidate.settings.auth.key = fallback_auth_key;
    if (probe) {
        host::ProbeOptions options;
        options.state_dirs.push_back(candidate.settings.state_dir);
        candidate.host = host::probe_linux(options);
    }
    candidate.findings =
        analysis::analyze_deployments(loaded, deploy::Runtime::xiaozhi, candidate.host, fleet);
    analysis::soften_for_port_fallback(candidate.findings, loaded.effective);
    candidate.loaded = std::move(loaded);
    return candidate;
}

}  // namespace xiaozhi::server
