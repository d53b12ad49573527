// Severity names, the canonical order of findings and the failure-threshold test.
#include "analysis/finding.hpp"

#include <algorithm>
#include <tuple>

namespace xiaozhi::analysis {

std::string_view severity_name(Severity severity) {
    switch (severity) {
        case Severity::info:
            return "info";
        case Severity::warning:
            return "warning";
        case Severity::error:
            return "error";
    }
    return "error";
}

void sort_findings(std::vector<Finding>& findings) {
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return std::forward_as_tuple(b.severity, a.origin.pos.file, a.origin.pos.line,
                                     a.origin.pos.column, a.rule, a.key, a.message) <
               std::forward_as_tuple(a.severity, b.origin.pos.file, b.origin.pos.line,
                                     b.origin.pos.column, b.rule, b.key, b.message);
    });
}

bool any_at_or_above(const std::vector<Finding>& findings, Severity threshold) {
    return std::any_of(findings.begin(), findings.end(),
                       [threshold](const Finding& f) { return f.severity >= threshold; });
}

}  // namespace xiaozhi::analysis
