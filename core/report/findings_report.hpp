// Findings written as text, json, sarif 2.1.0, junit xml or GitHub workflow annotations.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/finding.hpp"
#include "report/format.hpp"

namespace xiaozhi::report {

struct FindingsContext {
    std::vector<std::string> inputs;  // what was checked, for headers and junit suite names
    bool color = false;               // text only
    std::string tool_version;
};

// text: "file:line:col: error[port.conflict] message" (+ "  suggestion: …" lines) and a
// summary line "N errors, N warnings, N infos"; json: {"version":1, "inputs":[…],
// "findings":[{rule, severity, message, key, origin:{file,line,column,layer}, related,
// suggestion}], "errors":[] (input errors, see input_error_report.hpp), "summary":{…}};
// github: at most 10 annotations per level, most severe first, then one ::notice
// saying how many were left out.
void write_findings(std::ostream& out, Format format,
                    const std::vector<analysis::Finding>& findings, const FindingsContext& context);

// GitHub workflow command escaping (% \r \n in data; also : and , in properties).
std::string github_escape_data(std::string_view text);
std::string github_escape_property(std::string_view text);

}  // namespace xiaozhi::report
