// write_findings: picks the writer of the requested format.
#include "report/findings_report.hpp"

#include "report/findings_writers.hpp"

namespace xiaozhi::report {

void write_findings(std::ostream& out, Format format,
                    const std::vector<analysis::Finding>& findings,
                    const FindingsContext& context) {
    switch (format) {
        case Format::text:
            write_text_findings(out, findings, context);
            return;
        case Format::json:
            write_json_findings(out, findings, context);
            return;
        case Format::sarif:
            write_sarif_findings(out, findings, context);
            return;
        case Format::junit:
            write_junit_findings(out, findings, context);
            return;
        case Format::github:
            write_github_findings(out, findings);
            return;
    }
}

}  // namespace xiaozhi::report
