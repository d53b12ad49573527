// Parse YAML, TOML and JSON text into a Node tree with the position of every node.
#pragma once

#include <string>
#include <string_view>

#include "config/input_error.hpp"
#include "config/node.hpp"

namespace xiaozhi::config {

enum class Syntax { yaml, toml, json };

// Largest configuration file accepted; larger files are an InputError, not a slow parse.
inline constexpr std::size_t max_config_bytes = 16 * 1024 * 1024;

// Syntax from the file extension (.yaml .yml .toml .json); unknown extensions
// are sniffed from the content (a leading '{' or '[' is JSON, a '[section]' line is TOML, else YAML).
Syntax detect_syntax(const std::string& path, std::string_view content);

// Parses `content` named `file` in messages. YAML scalars resolve as the
// reference server's PyYAML does for the values configs use: null/~/empty,
// true/false/yes/no/on/off, decimal/hex/octal integers with sign, floats;
// quoted scalars are always strings. Throws InputError on invalid input,
// binary content (NUL bytes, invalid UTF-8) or a document that is not a map.
Node parse_text(std::string_view content, Syntax syntax, const std::string& file);

// Reads and parses a file; throws InputError when it cannot be read, is a
// directory, is larger than max_config_bytes, or does not parse.
Node parse_file(const std::string& path);

// Parses one scalar as a YAML value would be read (for --set and environment values):
// "8100" -> integer, "true" -> boolean, "[a, b]" -> list, anything else -> string.
Node parse_scalar(std::string_view text, Position pos);

}  // namespace xiaozhi::config
