// Input errors as json, sarif, junit and github documents, for runs stopped before any finding.
#include "report/input_error_report.hpp"

#include "report/json_values.hpp"
#include "report/sarif_location.hpp"
#include "report/xml_escape.hpp"

namespace xiaozhi::report {

namespace {

constexpr std::string_view junit_suite_name = "xiaozhi check-ports";
constexpr std::string_view annotation_title = "input error";

// Whether the error points into a file's text (a missing file or folder has no line).
bool has_place(const config::Position& pos) {
    return pos.line > 0;
}

Json errors_json(const config::InputError& error) {
    const config::Position& pos = error.position();
    Json entry = Json::object();
    entry["file"] = pos.file;
    entry["line"] = pos.line;
    entry["column"] = pos.column;
    entry["message"] = error.message();
    Json errors = Json::array();
    errors.push_back(std::move(entry));
    return errors;
}

void write_json_document(std::ostream& out, const config::InputError& error,
                         const FindingsContext& context) {
    Json document = Json::object();
    document["version"] = 1;
    document["inputs"] = context.inputs;
    document["findings"] = Json::array();
    document["errors"] = errors_json(error);
    document["summary"] = {{"error", 0}, {"warning", 0}, {"info", 0}};
    write_json(out, document);
}

void write_sarif_document(std::ostream& out, const config::InputError& error,
                          const FindingsContext& context) {
    Json notification = Json::object();
    notification["level"] = "error";
    notification["message"] = {{"text", error.what()}};
    if (has_place(error.position())) {
        notification["locations"] = Json::array();
        notification["locations"].push_back(
            {{"physicalLocation", physical_location(error.position())}});
    }
    Json invocation = Json::object();
    invocation["executionSuccessful"] = false;
    invocation["toolExecutionNotifications"] = Json::array();
    invocation["toolExecutionNotifications"].push_back(std::move(notification));

    Json driver = Json::object();
    driver["name"] = "xiaozhi";
    if (!context.tool_version.empty()) driver["version"] = context.tool_version;

    Json run = Json::object();
    run["tool"] = {{"driver", std::move(driver)}};
    run["invocations"] = Json::array();
    run["invocations"].push_back(std::move(invocation));
    run["results"] = Json::array();

    write_json(out, sarif_log(std::move(run)));
}

void write_junit_document(std::ostream& out, const config::InputError& error,
                          const FindingsContext& context) {
    const config::Position& pos = error.position();
    std::string name(annotation_title);
    if (!pos.file.empty()) {
        name += " (" + pos.file + (has_place(pos) ? ':' + std::to_string(pos.line) : "") + ')';
    }
    const std::string totals = "tests=\"1\" failures=\"0\" errors=\"1\"";
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"xiaozhi\" " << totals << ">\n";
    out << "  <testsuite name=\"" << junit_suite_name << "\" " << totals << " skipped=\"0\">\n";
    if (!context.inputs.empty()) {
        out << "    <properties>\n";
        for (const auto& input : context.inputs) {
            out << "      <property name=\"input\" value=\"" << xml_escape(input) << "\"/>\n";
        }
        out << "    </properties>\n";
    }
    out << "    <testcase classname=\"xiaozhi\" name=\"" << xml_escape(name) << "\">\n";
    out << "      <error message=\"" << xml_escape(error.what()) << "\" type=\"input-error\">"
        << xml_escape_content(error.what()) << "</error>\n";
    out << "    </testcase>\n";
    out << "  </testsuite>\n";
    out << "</testsuites>\n";
}

void write_github_annotation(std::ostream& out, const config::InputError& error) {
    const config::Position& pos = error.position();
    std::string properties;
    if (has_place(pos)) {
        properties +=
            "file=" + github_escape_property(pos.file) + ",line=" + std::to_string(pos.line) + ',';
        if (pos.column > 0) properties += "col=" + std::to_string(pos.column) + ',';
    }
    properties += "title=" + github_escape_property(annotation_title);
    const std::string message = has_place(pos) ? error.message() : error.what();
    out << "::error " << properties << "::" << github_escape_data(message) << '\n';
}

}  // namespace

void write_input_error_document(std::ostream& out, Format format, const config::InputError& error,
                                const FindingsContext& context) {
    switch (format) {
        case Format::text:
            return;
        case Format::json:
            write_json_document(out, error, context);
            return;
        case Format::sarif:
            write_sarif_document(out, error, context);
            return;
        case Format::junit:
            write_junit_document(out, error, context);
            return;
        case Format::github:
            write_github_annotation(out, error);
            return;
    }
}

void write_input_error_json(std::ostream& out, const config::InputError& error) {
    Json document = Json::object();
    document["errors"] = errors_json(error);
    write_json(out, document);
}

}  // namespace xiaozhi::report
