// What a run that stopped at an input error writes in the machine-readable formats.
#pragma once

#include <ostream>

#include "config/input_error.hpp"
#include "report/findings_report.hpp"
#include "report/format.hpp"

namespace xiaozhi::report {

// The findings document of a run that an input error stopped, so that a consumer of
// --format always gets one: json {"version":1, "inputs":[…], "findings":[], "errors":
// [{file, line, column, message}], "summary":{0s}}; sarif one run without results whose
// invocation did not succeed, with the error as its toolExecutionNotification; junit one
// test case holding an <error>; github an ::error annotation; text nothing (the caller
// prints the error on standard error). Columns count characters (UTF-16 units in SARIF).
void write_input_error_document(std::ostream& out, Format format, const config::InputError& error,
                                const FindingsContext& context);

// The errors object of the other JSON documents (diff-config): {"errors":[{file, line,
// column, message}]}.
void write_input_error_json(std::ostream& out, const config::InputError& error);

}  // namespace xiaozhi::report
