// Input-error documents on standard output for the subcommands with machine-readable formats.
#include "input_error_output.hpp"

#include <iostream>

#include "config/load.hpp"
#include "report/format.hpp"
#include "report/input_error_report.hpp"

namespace xiaozhi::cli {

void write_check_ports_input_error(const CheckPortsOptions& options,
                                   const config::InputError& error) {
    const report::Format format =
        report::parse_format(options.format).value_or(report::Format::text);
    report::FindingsContext context;
    context.inputs = options.inputs.paths;
    if (context.inputs.empty()) context.inputs = config::discover_inputs(".");
    context.tool_version = XIAOZHI_VERSION;
    report::write_input_error_document(std::cout, format, error, context);
    std::cout.flush();
}

void write_diff_config_input_error(const DiffConfigOptions& options,
                                   const config::InputError& error) {
    if (report::parse_format(options.format) != report::Format::json) return;
    report::write_input_error_json(std::cout, error);
    std::cout.flush();
}

}  // namespace xiaozhi::cli
