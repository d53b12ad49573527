// nearest_key: the known key a misspelt one most likely meant (edit distance, siblings first).
#include <algorithm>

#include "config/schema.hpp"

namespace xiaozhi::config {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// Close enough to suggest: at most 2 edits or a third of the length, and not a rewrite.
bool is_close(std::string_view wanted, std::string_view candidate, std::size_t distance) {
    const std::size_t allowed = std::max<std::size_t>(2, wanted.size() / 3);
    return distance <= allowed && distance < std::max(wanted.size(), candidate.size()) &&
           distance < candidate.size();
}

std::string parent_of(std::string_view dotted) {
    const std::size_t dot = dotted.rfind('.');
    return dot == std::string_view::npos ? std::string() : std::string(dotted.substr(0, dot));
}

std::string_view last_of(std::string_view dotted) {
    const std::size_t dot = dotted.rfind('.');
    return dot == std::string_view::npos ? dotted : dotted.substr(dot + 1);
}

// The closest candidate among keys accepted by `include`, compared by `project`.
template <typename Include, typename Project>
std::optional<std::string> closest(std::string_view wanted, const Include& include,
                                   const Project& project) {
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (const auto& spec : known_keys()) {
        if (!include(spec.key) || find_legacy_key(spec.key) != nullptr) continue;
        const std::string_view candidate = project(spec.key);
        const std::size_t distance = edit_distance(wanted, candidate);
        if (!is_close(wanted, candidate, distance)) continue;
        if (!best || distance < best_distance) {
            best = spec.key;
            best_distance = distance;
        }
    }
    return best;
}

}  // namespace

std::optional<std::string> nearest_key(std::string_view dotted) {
    const std::string parent = parent_of(dotted);
    const auto sibling = closest(
        last_of(dotted),
        [&](const std::string& key) { return key != dotted && parent_of(key) == parent; },
        [](const std::string& key) { return last_of(key); });
    if (sibling) return sibling;
    return closest(
        dotted,
        [&](const std::string& key) {
            const bool ancestor = dotted.substr(0, key.size() + 1) == key + ".";
            return parent_of(key) != parent && !ancestor;
        },
        [](const std::string& key) { return std::string_view(key); });
}

}  // namespace xiaozhi::config
