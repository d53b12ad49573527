// Findings as SARIF 2.1.0, in the shape GitHub code scanning accepts.
#include <cstdint>
#include <cstdio>
#include <optional>

#include "analysis/catalogue.hpp"
#include "report/findings_writers.hpp"
#include "report/json_values.hpp"
#include "report/sarif_location.hpp"

namespace xiaozhi::report {

namespace {

std::string_view sarif_level(analysis::Severity severity) {
    switch (severity) {
        case analysis::Severity::error:
            return "error";
        case analysis::Severity::warning:
            return "warning";
        case analysis::Severity::info:
            return "note";
    }
    return "none";
}

// "url.container-address" -> "UrlContainerAddress".
std::string rule_name(std::string_view id) {
    std::string name;
    bool start_of_word = true;
    for (char c : id) {
        if (c == '.' || c == '-' || c == '_') {
            start_of_word = true;
            continue;
        }
        if (start_of_word && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        name += c;
        start_of_word = false;
    }
    return name;
}

Json rule_json(const analysis::RuleInfo& rule) {
    const std::string level(sarif_level(rule.severity));
    Json result = Json::object();
    result["id"] = rule.id;
    result["name"] = rule_name(rule.id);
    result["shortDescription"] = {{"text", rule.description}};
    result["fullDescription"] = {{"text", rule.description + ". Severity: " +
                                              std::string(analysis::severity_name(rule.severity)) +
                                              " (the highest this rule reports)."}};
    result["defaultConfiguration"] = {{"level", level}};
    result["help"] = {{"text", "xiaozhi rule " + rule.id + ": " + rule.description +
                                   ". Run xiaozhi check-ports --format text for the origin of "
                                   "each value and a suggested fix."}};
    return result;
}

// A file origin as a physical location; any other as a logical location named `name`.
Json location_json(const config::Origin& origin, const std::string& name) {
    Json location = Json::object();
    if (is_file_origin(origin)) {
        location["physicalLocation"] = physical_location(origin.pos);
    } else {
        Json logical = Json::object();
        logical["name"] = name;
        logical["fullyQualifiedName"] = name;
        location["logicalLocations"] = Json::array();
        location["logicalLocations"].push_back(std::move(logical));
    }
    const std::string described = origin.to_string();
    if (!described.empty()) location["message"] = {{"text", described}};
    return location;
}

// FNV-1a, 64 bits, as 16 hex digits: stable across runs and platforms.
std::string fnv1a_hex(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

std::optional<std::size_t> catalogue_index(const std::string& rule) {
    const auto& catalogue = analysis::rule_catalogue();
    for (std::size_t i = 0; i < catalogue.size(); ++i) {
        if (catalogue[i].id == rule) return i;
    }
    return std::nullopt;
}

Json result_json(const analysis::Finding& finding) {
    Json result = Json::object();
    result["ruleId"] = finding.rule;
    if (const auto index = catalogue_index(finding.rule)) result["ruleIndex"] = *index;
    result["level"] = sarif_level(finding.severity);
    result["message"] = {
        {"text", finding.message.empty() ? finding.rule : message_with_deployments(finding)}};
    const std::string logical_name = finding.key.empty() ? finding.rule : finding.key;
    result["locations"] = Json::array();
    result["locations"].push_back(location_json(finding.origin, logical_name));
    result["partialFingerprints"] = {
        {"primaryLocationLineHash",
         fnv1a_hex(finding.rule + '\n' + finding.key + '\n' + finding.origin.pos.file)}};
    if (!finding.related.empty()) {
        Json related = Json::array();
        for (std::size_t i = 0; i < finding.related.size(); ++i) {
            Json location = location_json(finding.related[i], finding.related[i].to_string());
            location["id"] = i + 1;
            related.push_back(std::move(location));
        }
        result["relatedLocations"] = std::move(related);
    }
    Json properties = Json::object();
    properties["key"] = finding.key;
    if (!finding.suggestion.empty()) properties["suggestion"] = finding.suggestion;
    result["properties"] = std::move(properties);
    return result;
}

}  // namespace

void write_sarif_findings(std::ostream& out, const std::vector<analysis::Finding>& findings,
                          const FindingsContext& context) {
    Json rules = Json::array();
    for (const auto& rule : analysis::rule_catalogue()) rules.push_back(rule_json(rule));

    Json driver = Json::object();
    driver["name"] = "xiaozhi";
    if (!context.tool_version.empty()) driver["version"] = context.tool_version;
    driver["rules"] = std::move(rules);

    Json results = Json::array();
    for (const auto& finding : findings) results.push_back(result_json(finding));

    Json run = Json::object();
    run["tool"] = {{"driver", std::move(driver)}};
    run["results"] = std::move(results);

    write_json(out, sarif_log(std::move(run)));
}

}  // namespace xiaozhi::report
