// write_finding_changes: the findings a configuration change introduces and resolves.
#include "report/config_report.hpp"
#include "report/findings_writers.hpp"
#include "report/json_values.hpp"
#include "report/secret_mask.hpp"
#include "report/text_or_json.hpp"

namespace xiaozhi::report {

namespace {

void write_text_section(std::ostream& out, std::string_view title,
                        const std::vector<analysis::Finding>& findings, bool color) {
    out << title << ':';
    if (findings.empty()) {
        out << " none\n";
        return;
    }
    out << '\n';
    for (const auto& finding : with_masked_origins(findings)) {
        write_text_finding(out, finding, color, "  ");
    }
}

Json findings_json(const std::vector<analysis::Finding>& findings) {
    Json items = Json::array();
    for (const auto& finding : with_masked_origins(findings))
        items.push_back(finding_json(finding));
    return items;
}

}  // namespace

void write_finding_changes(std::ostream& out, Format format,
                           const std::vector<analysis::Finding>& introduced,
                           const std::vector<analysis::Finding>& resolved, bool color) {
    require_text_or_json(format, "finding changes");
    if (format == Format::json) {
        Json document = Json::object();
        document["introduced"] = findings_json(introduced);
        document["resolved"] = findings_json(resolved);
        write_json(out, document);
        return;
    }
    write_text_section(out, "introduced", introduced, color);
    write_text_section(out, "resolved", resolved, color);
}

}  // namespace xiaozhi::report
