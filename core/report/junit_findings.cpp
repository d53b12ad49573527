// Findings as JUnit XML: one testcase per finding; errors and warnings fail, infos pass.
#include <sstream>

#include "report/findings_writers.hpp"
#include "report/xml_escape.hpp"

namespace xiaozhi::report {

namespace {

constexpr std::string_view suite_name = "xiaozhi check-ports";

// "file:line" for a place in a file, else how the origin describes itself.
std::string short_location(const config::Origin& origin) {
    if (!is_file_origin(origin)) return origin.to_string();
    std::string location = origin.pos.file;
    if (origin.pos.line > 0) location += ':' + std::to_string(origin.pos.line);
    return location;
}

std::string testcase_name(const analysis::Finding& finding) {
    std::string name = finding.key.empty() ? finding.rule : finding.key;
    const std::string location = short_location(finding.origin);
    if (!location.empty()) name += " (" + location + ')';
    return name;
}

std::string finding_text(const analysis::Finding& finding) {
    std::ostringstream text;
    write_text_finding(text, finding, false, "");
    return text.str();
}

void write_testcase(std::ostream& out, const analysis::Finding& finding) {
    out << "    <testcase classname=\"" << xml_escape(finding.rule) << "\" name=\""
        << xml_escape(testcase_name(finding)) << "\">\n";
    if (finding.severity == analysis::Severity::info) {
        out << "      <system-out>" << xml_escape_content(finding_text(finding))
            << "</system-out>\n";
    } else {
        out << "      <failure message=\"" << xml_escape(message_with_deployments(finding))
            << "\" type=\"" << analysis::severity_name(finding.severity) << "\">"
            << xml_escape_content(finding_text(finding)) << "</failure>\n";
    }
    out << "    </testcase>\n";
}

}  // namespace

void write_junit_findings(std::ostream& out, const std::vector<analysis::Finding>& findings,
                          const FindingsContext& context) {
    const SeverityCounts counts = count_by_severity(findings);
    const std::size_t tests = findings.empty() ? 1 : findings.size();
    const std::size_t failures = counts.error + counts.warning;
    const std::string totals = "tests=\"" + std::to_string(tests) + "\" failures=\"" +
                               std::to_string(failures) + "\" errors=\"0\"";

    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"xiaozhi\" " << totals << ">\n";
    out << "  <testsuite name=\"" << suite_name << "\" " << totals << " skipped=\"0\">\n";
    if (!context.inputs.empty()) {
        out << "    <properties>\n";
        for (const auto& input : context.inputs) {
            out << "      <property name=\"input\" value=\"" << xml_escape(input) << "\"/>\n";
        }
        out << "    </properties>\n";
    }
    if (findings.empty()) {
        out << "    <testcase classname=\"xiaozhi\" name=\"no findings\"/>\n";
    }
    for (const auto& finding : findings) write_testcase(out, finding);
    out << "  </testsuite>\n";
    out << "</testsuites>\n";
}

}  // namespace xiaozhi::report
