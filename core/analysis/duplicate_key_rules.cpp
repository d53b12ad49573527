// config.duplicate-key: a key a YAML file writes more than once; PyYAML keeps the last value.
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "analysis/rule_families.hpp"
#include "analysis/wording.hpp"
#include "config/layer.hpp"

namespace xiaozhi::analysis {

namespace {

// The occurrences of one key in one map: the first, then each repetition.
using Occurrences = std::vector<config::Position>;
using OccurrenceKey = std::tuple<std::string, std::string, int, int>;  // file, key, first line:col

OccurrenceKey occurrence_key(const config::DuplicateKey& duplicate) {
    return {duplicate.first.file, duplicate.key, duplicate.first.line, duplicate.first.column};
}

std::map<OccurrenceKey, Occurrences> group_occurrences(
    const std::vector<config::DuplicateKey>& duplicates) {
    std::map<OccurrenceKey, Occurrences> groups;
    for (const auto& duplicate : duplicates) {
        Occurrences& occurrences = groups[occurrence_key(duplicate)];
        if (occurrences.empty()) occurrences.push_back(duplicate.first);
        occurrences.push_back(duplicate.later);
    }
    return groups;
}

// "12 and 40", "1, 2 and 7".
std::string listed(const std::vector<std::string>& items) {
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) text += i + 1 == items.size() ? " and " : ", ";
        text += items[i];
    }
    return text;
}

// "lines 12 and 40", or "3:5 and 3:11" when two are on one line (a flow map).
std::string places_text(const Occurrences& occurrences) {
    std::vector<std::string> lines;
    std::vector<std::string> places;
    for (const auto& pos : occurrences) {
        const std::string line = std::to_string(pos.line);
        if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
        places.push_back(line + ":" + std::to_string(pos.column));
    }
    if (lines.size() == occurrences.size()) return "lines " + listed(lines);
    return listed(places);
}

std::string times_text(std::size_t count) {
    return count == 2 ? "twice" : std::to_string(count) + " times";
}

// What PyYAML ends up with; a map is not spelled out (it may hold secrets).
std::string kept_text(const config::DuplicateKey& duplicate) {
    if (duplicate.value.is_map()) return "PyYAML keeps the last map, without the earlier's keys";
    return "PyYAML keeps the last value, " + shown_value(duplicate.key, duplicate.value);
}

Finding duplicate_finding(const config::DuplicateKey& duplicate, const Occurrences& occurrences) {
    const std::string file_layer(config::layer_kind_name(config::LayerKind::file));
    Finding finding = make_finding(
        "config.duplicate-key", Severity::warning,
        duplicate.key + " is written " + times_text(occurrences.size()) + " in " +
            duplicate.later.file + " (" + places_text(occurrences) + "); " + kept_text(duplicate),
        duplicate.key, config::Origin{file_layer, duplicate.later},
        occurrences.size() == 2 ? "remove one of them" : "remove all but one of them");
    finding.related.push_back(config::Origin{file_layer, duplicate.first});
    return finding;
}

}  // namespace

void check_duplicate_keys(const Inputs& inputs, Findings& out) {
    const std::vector<config::DuplicateKey>& duplicates = inputs.effective.duplicate_keys();
    const std::map<OccurrenceKey, Occurrences> groups = group_occurrences(duplicates);
    for (const auto& duplicate : duplicates) {
        out.push_back(duplicate_finding(duplicate, groups.at(occurrence_key(duplicate))));
    }
}

}  // namespace xiaozhi::analysis
