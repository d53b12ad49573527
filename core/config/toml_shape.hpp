// A lexical measure of TOML text, so that toml++ never builds (nor recursively frees) a deep tree.
#pragma once

#include <string_view>

#include "config/text_positions.hpp"

namespace xiaozhi::config::detail {

// Throws InputError when TOML text surely nests deeper than max_config_depth or holds more than
// max_config_values values, at the key segment, bracket or value that crosses the limit. Depth
// comes from table headers ([a.b], [[a.b]]), dotted keys (a.b.c = 1) and inline tables and
// arrays; strings and comments are skipped, so dots and brackets in them count for nothing.
// The scan never over-counts, so a valid document within the limits passes; it under-counts only
// the level that each array of tables adds to the headers below it ([[a]] then [a.b]), so
// whatever passes nests at most twice max_config_depth levels, a depth the exact checks made
// while converting toml++'s tree handle safely. Syntax errors are left to toml++.
void check_toml_shape(std::string_view content, const TextPositions& positions);

}  // namespace xiaozhi::config::detail
