// Origins, findings and configuration values as JSON.
#include "report/json_values.hpp"

#include <cmath>

namespace xiaozhi::report {

Json origin_json(const config::Origin& origin) {
    Json result = Json::object();
    result["file"] = origin.pos.file;
    result["line"] = origin.pos.line;
    result["column"] = origin.pos.column;
    result["layer"] = origin.layer;
    return result;
}

Json finding_json(const analysis::Finding& finding) {
    Json related = Json::array();
    for (const auto& origin : finding.related) related.push_back(origin_json(origin));

    Json result = Json::object();
    result["rule"] = finding.rule;
    result["severity"] = analysis::severity_name(finding.severity);
    result["message"] = finding.message;
    result["key"] = finding.key;
    result["origin"] = origin_json(finding.origin);
    result["related"] = std::move(related);
    result["suggestion"] = finding.suggestion;
    result["deployments"] = finding.deployments;
    return result;
}

Json node_json(const config::Node& node) {
    switch (node.kind) {
        case config::Kind::null:
            return nullptr;
        case config::Kind::boolean:
            return node.boolean;
        case config::Kind::integer:
            return node.integer;
        case config::Kind::floating:
            if (std::isfinite(node.floating)) return node.floating;
            return node.text;
        case config::Kind::string:
            return node.text;
        case config::Kind::list: {
            Json items = Json::array();
            for (const auto& item : node.items) items.push_back(node_json(item));
            return items;
        }
        case config::Kind::map: {
            Json entries = Json::object();
            for (const auto& [key, value] : node.entries) entries[key] = node_json(value);
            return entries;
        }
    }
    return nullptr;
}

void write_json(std::ostream& out, const Json& value) {
    out << value.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace xiaozhi::report
