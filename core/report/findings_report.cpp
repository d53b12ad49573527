// write_findings: masks secret values in origins, then picks the writer of the requested format.
#include "report/findings_report.hpp"

#include "report/findings_writers.hpp"
#include "report/secret_mask.hpp"

namespace xiaozhi::report {

void write_findings(std::ostream& out, Format format,
                    const std::vector<analysis::Finding>& findings,
                    const FindingsContext& context) {
    const std::vector<analysis::Finding> shown = with_masked_origins(findings);
    switch (format) {
        case Format::text:
            write_text_findings(out, shown, context);
            return;
        case Format::json:
            write_json_findings(out, shown, context);
            return;
        case Format::sarif:
            write_sarif_findings(out, shown, context);
            return;
        case Format::junit:
            write_junit_findings(out, shown, context);
            return;
        case Format::github:
            write_github_findings(out, shown);
            return;
    }
}

}  // namespace xiaozhi::report
