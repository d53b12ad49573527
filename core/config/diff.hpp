// Semantic difference of two effective configurations, key by key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/effective.hpp"

namespace xiaozhi::config {

enum class Change { added, removed, changed };

struct DiffEntry {
    std::string key;
    Change change;
    std::optional<Node> before;
    std::optional<Node> after;
    std::optional<Origin> before_origin;
    std::optional<Origin> after_origin;
};

struct DiffOptions {
    std::vector<std::string> ignore;  // dotted keys; a key ignores its whole subtree
    std::vector<std::string> only;    // when non-empty, only these keys and their subtrees
    bool ignore_order = false;        // lists compare as multisets
};

// Entries sorted by key. Types matter: 8000 and "8000" differ.
std::vector<DiffEntry> diff(const Effective& before, const Effective& after,
                            const DiffOptions& options);

}  // namespace xiaozhi::config
