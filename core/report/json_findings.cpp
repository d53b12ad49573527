// Findings as one JSON document: version, inputs, findings, errors and a summary by severity.
#include "report/findings_writers.hpp"
#include "report/json_values.hpp"

namespace xiaozhi::report {

void write_json_findings(std::ostream& out, const std::vector<analysis::Finding>& findings,
                         const FindingsContext& context) {
    Json items = Json::array();
    for (const auto& finding : findings) items.push_back(finding_json(finding));

    const SeverityCounts counts = count_by_severity(findings);
    Json summary = Json::object();
    summary["error"] = counts.error;
    summary["warning"] = counts.warning;
    summary["info"] = counts.info;

    Json document = Json::object();
    document["version"] = 1;
    document["inputs"] = context.inputs;
    document["findings"] = std::move(items);
    document["errors"] = Json::array();  // input errors: see write_input_error_document
    document["summary"] = std::move(summary);
    write_json(out, document);
}

}  // namespace xiaozhi::report
