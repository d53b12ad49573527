// config.unknown-key and config.legacy-key: keys of the owned sections the schema does not read.
#include <algorithm>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "analysis/config_wording.hpp"
#include "analysis/deployment_view.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/wording.hpp"
#include "config/schema.hpp"

namespace xiaozhi::analysis {

namespace {

// Edit distance counting a swap of neighbours as one edit (optimal string alignment).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

// Every dotted prefix of a known key that has known keys below it.
std::unordered_set<std::string> parents_with_children() {
    std::unordered_set<std::string> parents;
    for (const auto& spec : config::known_keys()) {
        config::Path path = config::split_path(spec.key);
        for (std::size_t length = 1; length < path.size(); ++length) {
            parents.insert(config::join_path(config::Path(path.begin(), path.begin() + length)));
        }
    }
    return parents;
}

// The owned sections, as the schema lists them.
std::vector<std::string> owned_sections() {
    std::set<std::string> sections;
    for (const auto& spec : config::known_keys()) {
        std::string top = config::split_path(spec.key).front();
        if (config::is_owned_section(top)) sections.insert(top);
    }
    return {sections.begin(), sections.end()};
}

class KeyCheck {
  public:
    KeyCheck(const Inputs& inputs, Findings& out)
        : effective_(inputs.effective), out_(out), parents_(parents_with_children()) {}

    void check_entry(const config::Entry& entry) {
        const config::Path& path = entry.path;
        if (path.empty() || !config::is_owned_section(path.front())) return;
        for (std::size_t length = 1; length <= path.size(); ++length) {
            std::string prefix = prefix_of(path, length);
            if (const config::LegacyKey* legacy = config::find_legacy_key(prefix)) {
                report_legacy(prefix, *legacy);
                return;
            }
        }
        for (std::size_t length = 2; length <= path.size(); ++length) {
            std::string parent = prefix_of(path, length - 1);
            std::string key = prefix_of(path, length);
            const config::KeySpec* parent_spec = config::find_key(parent);
            if (parent_spec && parent_spec->type == config::ValueType::any) return;
            const config::KeySpec* spec = config::find_key(key);
            if (!spec) {
                // Below a map the schema lists no children of, any key is the user's own.
                if (length == 2 || parents_.count(parent) > 0) report_unknown(key);
                return;
            }
            if (spec->type == config::ValueType::any) return;
            bool holds_scalar = spec->type != config::ValueType::map;
            if (holds_scalar && length < path.size()) {
                report_map_for_scalar(key, *spec);
                return;
            }
        }
    }

    void check_top_level(const std::vector<std::string>& sections) {
        for (const auto& [name, value] : effective_.tree().entries) {
            if (config::is_known_top_level(name) || config::is_owned_section(name)) continue;
            std::string lowered = lower(name);
            for (const auto& section : sections) {
                // Up to two edits, fewer for short names: "foo" is not a typo of "log".
                std::size_t limit = std::min<std::size_t>(2, section.size() / 2);
                if (edit_distance(lowered, section) > limit) continue;
                config::Origin origin = effective_.origin_of(name);
                out_.push_back(make_finding("config.unknown-key", Severity::warning,
                                            "top-level key " + name + " (" + origin.to_string() +
                                                ") is not one the server reads; did you mean " +
                                                section + "?",
                                            name, origin, "rename " + name + " to " + section));
                break;
            }
        }
    }

  private:
    static std::string prefix_of(const config::Path& path, std::size_t length) {
        return config::join_path(config::Path(path.begin(), path.begin() + length));
    }

    bool first_report(const std::string& key) { return reported_.insert(key).second; }

    void report_legacy(const std::string& key, const config::LegacyKey& legacy) {
        if (!first_report(key)) return;
        config::Origin origin = effective_.origin_of(key);
        bool replaced_by_key = config::find_key(legacy.replacement) != nullptr;
        out_.push_back(make_finding(
            "config.legacy-key", Severity::warning,
            key + " (" + origin.to_string() +
                ") is a legacy key the reference server no longer reads; it was replaced by " +
                legacy.replacement,
            key, origin,
            replaced_by_key ? "use " + legacy.replacement + " instead of " + key
                            : "remove " + key + " and use " + legacy.replacement));
    }

    void report_unknown(const std::string& key) {
        if (!first_report(key)) return;
        config::Origin origin = effective_.origin_of(key);
        auto nearest = config::nearest_key(key);
        std::string message = key + " (" + origin.to_string() + ") is not a key the server knows";
        if (nearest) message += "; did you mean " + *nearest + "?";
        out_.push_back(
            make_finding("config.unknown-key", Severity::warning, message, key, origin,
                         nearest ? "rename it to " + *nearest : "remove it or check its spelling"));
    }

    void report_map_for_scalar(const std::string& key, const config::KeySpec& spec) {
        if (!first_report(key)) return;
        const config::Node* value = effective_.get(key);
        if (!value) return;
        out_.push_back(type_finding(key, spec.type, *value, effective_.origin_of(key)));
    }

    const config::Effective& effective_;
    Findings& out_;
    std::unordered_set<std::string> parents_;
    std::unordered_set<std::string> reported_;
};

}  // namespace

void check_config_keys(const Inputs& inputs, Findings& out) {
    KeyCheck check(inputs, out);
    for (const auto& entry : inputs.effective.entries()) check.check_entry(entry);
    check.check_top_level(owned_sections());
}

}  // namespace xiaozhi::analysis
