// PushReport: text for people, one JSON document for scripts, errors on standard error.
#include "push_report.hpp"

#include <sstream>

#include "report/config_report.hpp"
#include "report/findings_report.hpp"

namespace xiaozhi::client {

namespace {

config::Origin origin_from_json(const nlohmann::json& json) {
    config::Origin origin;
    if (!json.is_object()) return origin;
    origin.layer = json.value("layer", std::string{});
    origin.pos.file = json.value("file", std::string{});
    origin.pos.line = json.value("line", 0);
    origin.pos.column = json.value("column", 0);
    return origin;
}

analysis::Severity severity_from(const std::string& name) {
    if (name == "error") return analysis::Severity::error;
    if (name == "warning") return analysis::Severity::warning;
    return analysis::Severity::info;
}

}  // namespace

std::vector<analysis::Finding> findings_from_json(const nlohmann::json& findings) {
    std::vector<analysis::Finding> result;
    if (!findings.is_array()) return result;
    for (const auto& item : findings) {
        if (!item.is_object() || !item.contains("rule") || !item["rule"].is_string()) continue;
        analysis::Finding finding;
        finding.rule = item["rule"].get<std::string>();
        finding.severity = severity_from(item.value("severity", std::string("error")));
        finding.message = item.value("message", std::string{});
        finding.key = item.value("key", std::string{});
        finding.origin = origin_from_json(item.value("origin", nlohmann::json::object()));
        for (const auto& related : item.value("related", nlohmann::json::array())) {
            finding.related.push_back(origin_from_json(related));
        }
        finding.suggestion = item.value("suggestion", std::string{});
        result.push_back(std::move(finding));
    }
    return result;
}

PushReport::PushReport(std::ostream& out, std::ostream& err, bool json, bool color)
    : out_(out), err_(err), json_(json), color_(color) {}

void PushReport::diff(const std::string& heading, const std::vector<config::DiffEntry>& diff) {
    std::ostringstream text;
    report::write_diff(text, json_ ? report::Format::json : report::Format::text, diff, {}, color_);
    if (json_) {
        document_["diff"] = nlohmann::ordered_json::parse(text.str())["changes"];
        return;
    }
    out_ << heading << '\n';
    if (diff.empty()) {
        out_ << "  (no change to the effective configuration)\n\n";
    } else {
        out_ << text.str() << '\n';
    }
}

void PushReport::findings(const std::string& heading,
                          const std::vector<analysis::Finding>& findings,
                          const std::string& field) {
    std::ostringstream text;
    report::FindingsContext context;
    context.color = color_ && !json_;
    context.tool_version = XIAOZHI_VERSION;
    report::write_findings(text, json_ ? report::Format::json : report::Format::text, findings,
                           context);
    if (json_) {
        nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(text.str());
        document_[field] = std::move(parsed["findings"]);
        document_[field == "findings" ? "summary" : field + "_summary"] =
            std::move(parsed["summary"]);
        return;
    }
    out_ << heading << '\n' << text.str() << '\n';
}

void PushReport::step(const std::string& text) {
    if (json_) {
        document_["steps"].push_back(text);
    } else {
        out_ << text << '\n';
    }
}

void PushReport::set(const std::string& key, nlohmann::json value) {
    document_[key] = nlohmann::ordered_json::parse(value.dump());
}

void PushReport::error(const std::string& message) {
    err_ << "xiaozhi ota-push: " << message << '\n';
    if (json_) document_["error"] = message;
}

void PushReport::text(const std::string& block) {
    if (!json_) out_ << block;
}

void PushReport::finish() {
    if (!json_) {
        out_.flush();
        return;
    }
    out_ << document_.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    out_.flush();
}

}  // namespace xiaozhi::client
