// Findings as text: one "file:line:col: severity[rule] message" block each, then a summary.
#include "report/findings_writers.hpp"
#include "report/text_style.hpp"

namespace xiaozhi::report {

namespace {

std::string summary_line(const SeverityCounts& counts, bool color) {
    if (counts.total() == 0) return "no findings";
    auto part = [color](std::size_t count, std::string_view noun, analysis::Severity severity) {
        std::string text = counted(count, noun);
        return count == 0 ? text : styled(text, severity_style(severity), color);
    };
    return part(counts.error, "error", analysis::Severity::error) + ", " +
           part(counts.warning, "warning", analysis::Severity::warning) + ", " +
           part(counts.info, "info", analysis::Severity::info);
}

}  // namespace

void write_text_finding(std::ostream& out, const analysis::Finding& finding, bool color,
                        std::string_view indent) {
    const std::string location = finding.origin.to_string();
    out << indent;
    if (!location.empty()) out << location << ": ";
    out << styled(analysis::severity_name(finding.severity), severity_style(finding.severity),
                  color)
        << '[' << styled(finding.rule, Style::bold, color) << "] " << finding.message << '\n';
    if (!finding.deployments.empty()) {
        out << indent << "  compose project" << (finding.deployments.size() > 1 ? "s" : "") << ": "
            << deployments_text(finding) << '\n';
    }
    if (!finding.suggestion.empty()) {
        out << indent << "  suggestion: " << finding.suggestion << '\n';
    }
    for (const auto& related : finding.related) {
        out << indent << "  related: " << related.to_string() << '\n';
    }
}

void write_text_findings(std::ostream& out, const std::vector<analysis::Finding>& findings,
                         const FindingsContext& context) {
    for (const auto& finding : findings) write_text_finding(out, finding, context.color, "");
    if (!findings.empty()) out << '\n';
    out << summary_line(count_by_severity(findings), context.color) << '\n';
}

}  // namespace xiaozhi::report
