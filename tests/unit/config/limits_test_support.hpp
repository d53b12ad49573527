// Shared by the parser-limit tests: the limits' messages, tree depth, repeated text.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "config/node.hpp"

namespace xiaozhi::config::limits_test {

inline const std::string too_deep =
    "nested deeper than 64 levels (the limit for configuration files)";
inline const std::string too_many = "more than 100000 values (the limit for configuration files)";

// How many maps and lists deep a tree is, the top-level map being 1.
inline int depth_of(const Node& node) {
    int deepest = 0;
    for (const auto& item : node.items) deepest = std::max(deepest, depth_of(item));
    for (const auto& [key, value] : node.entries) deepest = std::max(deepest, depth_of(value));
    return node.is_scalar() ? 0 : deepest + 1;
}

inline std::string repeated(std::string_view text, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += text;
    return out;
}

}  // namespace xiaozhi::config::limits_test
