// diff(): leaf-by-leaf comparison of two effective configurations.
#include "config/diff.hpp"

#include <algorithm>
#include <map>

namespace xiaozhi::config {

namespace {

// Whether `inner` is `outer` or inside its subtree (segment boundaries: `server` holds
// `server.port`, not `serverx`).
bool within(const Path& inner, const Path& outer) {
    return inner.size() >= outer.size() && std::equal(outer.begin(), outer.end(), inner.begin());
}

bool selected(const Path& path, const std::vector<Path>& ignore, const std::vector<Path>& only) {
    for (const auto& ignored : ignore) {
        if (within(path, ignored)) return false;
    }
    if (only.empty()) return true;
    return std::any_of(only.begin(), only.end(), [&](const Path& wanted) {
        return within(path, wanted) || within(wanted, path);
    });
}

std::vector<Path> split_all(const std::vector<std::string>& keys) {
    std::vector<Path> paths;
    for (const auto& key : keys) paths.push_back(split_path(key));
    return paths;
}

}  // namespace

std::vector<DiffEntry> diff(const Effective& before, const Effective& after,
                            const DiffOptions& options) {
    std::map<Path, std::pair<const Entry*, const Entry*>> sides;
    for (const auto& entry : before.entries()) sides[entry.path].first = &entry;
    for (const auto& entry : after.entries()) sides[entry.path].second = &entry;
    const std::vector<Path> ignore = split_all(options.ignore);
    const std::vector<Path> only = split_all(options.only);

    std::vector<DiffEntry> changes;
    for (const auto& [path, pair] : sides) {
        if (!selected(path, ignore, only)) continue;
        const auto [old_entry, new_entry] = pair;
        DiffEntry change{join_path(path), Change::changed, std::nullopt,
                         std::nullopt,    std::nullopt,    std::nullopt};
        if (old_entry != nullptr) {
            change.before = old_entry->value;
            change.before_origin = old_entry->origin;
        }
        if (new_entry != nullptr) {
            change.after = new_entry->value;
            change.after_origin = new_entry->origin;
        }
        if (old_entry == nullptr) {
            change.change = Change::added;
        } else if (new_entry == nullptr) {
            change.change = Change::removed;
        } else if (same_value(old_entry->value, new_entry->value, options.ignore_order)) {
            continue;
        }
        changes.push_back(std::move(change));
    }
    return changes;
}

}  // namespace xiaozhi::config
