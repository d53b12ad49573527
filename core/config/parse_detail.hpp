// Internal to the config parsers: per-syntax entry points and shared helpers.
#pragma once

#include <string>
#include <string_view>

#include "config/node.hpp"
#include "config/parse.hpp"

namespace xiaozhi::config::detail {

// Resolves an unquoted YAML scalar as PyYAML does for config values:
// null/~/empty, booleans (true/false/yes/no/on/off, any case), integers
// (decimal, 0x, 0o, 0b, leading-0 octal, underscores, sign), floats
// (1.5, 1e3, .5, .inf, .nan); integers beyond int64 and everything else are strings.
Node resolve_plain_scalar(std::string_view text, Position pos);

// A parser message made fit for one line: control characters become spaces, runs collapse.
std::string one_line(std::string_view message);

// "expected a map at the top level, found a list".
std::string not_a_map_message(Kind found);

// Throws InputError at the first NUL byte or invalid UTF-8 sequence.
void require_text(std::string_view content, const std::string& file);

// Per-syntax parsers; the content is already known to be text. Each returns a map.
Document parse_yaml(std::string_view content, const std::string& file);
Node parse_toml(std::string_view content, const std::string& file);
Node parse_json(std::string_view content, const std::string& file);

}  // namespace xiaozhi::config::detail
