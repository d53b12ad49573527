// Counting findings by severity, for the summaries of every format.
#include "report/findings_writers.hpp"

namespace xiaozhi::report {

std::size_t& SeverityCounts::of(analysis::Severity severity) {
    switch (severity) {
        case analysis::Severity::error:
            return error;
        case analysis::Severity::warning:
            return warning;
        case analysis::Severity::info:
            break;
    }
    return info;
}

std::size_t SeverityCounts::of(analysis::Severity severity) const {
    switch (severity) {
        case analysis::Severity::error:
            return error;
        case analysis::Severity::warning:
            return warning;
        case analysis::Severity::info:
            break;
    }
    return info;
}

SeverityCounts count_by_severity(const std::vector<analysis::Finding>& findings) {
    SeverityCounts counts;
    for (const auto& finding : findings) ++counts.of(finding.severity);
    return counts;
}

}  // namespace xiaozhi::report
