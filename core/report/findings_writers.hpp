// Internal to report: one writer per findings format, and the facts about findings they share.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/finding.hpp"
#include "config/effective.hpp"
#include "report/findings_report.hpp"

namespace xiaozhi::report {

// How many findings there are of each severity.
struct SeverityCounts {
    std::size_t error = 0;
    std::size_t warning = 0;
    std::size_t info = 0;

    std::size_t of(analysis::Severity severity) const;
    std::size_t& of(analysis::Severity severity);
    std::size_t total() const { return error + warning + info; }
};

SeverityCounts count_by_severity(const std::vector<analysis::Finding>& findings);

// The compose projects of a finding joined by ", " ("" for the host run).
std::string deployments_text(const analysis::Finding& finding);

// The message, followed by " (compose project docker-compose.yml)" when the finding names
// projects: for formats that have no field of their own for them.
std::string message_with_deployments(const analysis::Finding& finding);

// Whether an origin is a place in a file (not the environment, --set or a built-in default).
bool is_file_origin(const config::Origin& origin);

// One finding: "file:line:col: error[rule] message" and its "suggestion:" and "related:"
// lines, every line prefixed with `indent`.
void write_text_finding(std::ostream& out, const analysis::Finding& finding, bool color,
                        std::string_view indent);

void write_text_findings(std::ostream& out, const std::vector<analysis::Finding>& findings,
                         const FindingsContext& context);
void write_json_findings(std::ostream& out, const std::vector<analysis::Finding>& findings,
                         const FindingsContext& context);
void write_sarif_findings(std::ostream& out, const std::vector<analysis::Finding>& findings,
                          const FindingsContext& context);
void write_junit_findings(std::ostream& out, const std::vector<analysis::Finding>& findings,
                          const FindingsContext& context);
void write_github_findings(std::ostream& out, const std::vector<analysis::Finding>& findings);

}  // namespace xiaozhi::report
