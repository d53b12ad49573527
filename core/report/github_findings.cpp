// Findings as GitHub workflow annotations (::error, ::warning, ::notice), capped as GitHub shows.
#include <algorithm>

#include "report/findings_writers.hpp"
#include "report/text_style.hpp"

namespace xiaozhi::report {

namespace {

// GitHub shows at most this many annotations of each level per step.
constexpr std::size_t annotations_per_level = 10;

std::string_view command_name(analysis::Severity severity) {
    switch (severity) {
        case analysis::Severity::error:
            return "error";
        case analysis::Severity::warning:
            return "warning";
        case analysis::Severity::info:
            return "notice";
    }
    return "notice";
}

std::string escape(std::string_view text, bool property) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '%':
                out += "%25";
                break;
            case '\r':
                out += "%0D";
                break;
            case '\n':
                out += "%0A";
                break;
            case ':':
                out += property ? "%3A" : ":";
                break;
            case ',':
                out += property ? "%2C" : ",";
                break;
            default:
                out += c;
        }
    }
    return out;
}

void write_annotation(std::ostream& out, const analysis::Finding& finding) {
    std::string properties;
    const config::Origin& origin = finding.origin;
    if (is_file_origin(origin)) {
        properties += "file=" + github_escape_property(origin.pos.file) + ',';
        if (origin.pos.line > 0) {
            properties += "line=" + std::to_string(origin.pos.line) + ',';
            if (origin.pos.column > 0) {
                properties += "col=" + std::to_string(origin.pos.column) + ',';
            }
        }
    }
    properties += "title=" + github_escape_property(finding.rule);
    out << "::" << command_name(finding.severity) << ' ' << properties
        << "::" << github_escape_data(message_with_deployments(finding)) << '\n';
}

void write_left_out_notice(std::ostream& out, const SeverityCounts& left_out) {
    std::string levels;
    const auto add = [&levels](std::size_t count, std::string_view noun) {
        if (count == 0) return;
        if (!levels.empty()) levels += ", ";
        levels += counted(count, noun);
    };
    add(left_out.error, "error");
    add(left_out.warning, "warning");
    add(left_out.info, "info");
    out << "::notice::"
        << github_escape_data(counted(left_out.total(), "more finding") + " not shown (" + levels +
                              "); run with --format text to see all")
        << '\n';
}

}  // namespace

std::string github_escape_data(std::string_view text) {
    return escape(text, false);
}

std::string github_escape_property(std::string_view text) {
    return escape(text, true);
}

void write_github_findings(std::ostream& out, const std::vector<analysis::Finding>& findings) {
    std::vector<const analysis::Finding*> ordered;
    ordered.reserve(findings.size());
    for (const auto& finding : findings) ordered.push_back(&finding);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto* a, const auto* b) { return a->severity > b->severity; });

    SeverityCounts shown;
    SeverityCounts left_out;
    for (const auto* finding : ordered) {
        if (shown.of(finding->severity) < annotations_per_level) {
            ++shown.of(finding->severity);
            write_annotation(out, *finding);
        } else {
            ++left_out.of(finding->severity);
        }
    }
    if (left_out.total() > 0) write_left_out_notice(out, left_out);
}

}  // namespace xiaozhi::report
