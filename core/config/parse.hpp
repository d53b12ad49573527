// Parse YAML, TOML and JSON text into a Node tree with the position of every node.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/duplicate_key.hpp"
#include "config/input_error.hpp"
#include "config/node.hpp"

namespace xiaozhi::config {

enum class Syntax { yaml, toml, json };

// The limits of every configuration text, whatever its syntax; past one, parsing stops with an
// InputError at the node that crosses it, naming the limit. No parser recurses deeper than
// max_config_depth, so nothing a peer writes can exhaust the stack.

// Largest configuration file accepted; larger files are an InputError, not a slow parse.
inline constexpr std::size_t max_config_bytes = 16 * 1024 * 1024;

// Deepest nesting of maps and lists together; the top-level map is level 1, so `a: {b: [1]}`
// is 3 levels deep. The reference server's configs nest 6 levels.
inline constexpr int max_config_depth = 64;

// Most values in one document: every map, list and scalar, the top-level map included (so
// also at most this many keys). YAML aliases count once per use, as they expand.
inline constexpr std::size_t max_config_values = 100'000;

// Longest string value or key, in bytes of UTF-8.
inline constexpr std::size_t max_config_string_bytes = 1024 * 1024;

// Syntax from the file extension (.yaml .yml .toml .json); unknown extensions
// are sniffed from the content (a leading '{' or '[' is JSON, a '[section]' line is TOML, else
// YAML).
Syntax detect_syntax(const std::string& path, std::string_view content);

// A parsed configuration file: its tree, and the YAML keys it repeats.
struct Document {
    Node tree;  // always a map
    std::vector<DuplicateKey> duplicate_keys;
};

// Parses `content` named `file` in messages, as the reference server's PyYAML
// (safe_load) reads YAML: scalars resolve as PyYAML does for the values configs
// use (null/~/empty, true/false/yes/no/on/off, decimal/hex/octal integers with
// sign, floats; quoted scalars are always strings), and a key repeated in a map
// keeps the later value and is recorded in `duplicate_keys`. TOML and JSON
// forbid repeated keys: an InputError at the later one. Throws InputError on
// invalid input, binary content (NUL bytes, invalid UTF-8), a document past one
// of the limits above, or one that is not a map. Columns in positions count
// characters, not bytes.
Document parse_document(std::string_view content, Syntax syntax, const std::string& file);

// Reads and parses a file with parse_document; throws InputError when it cannot
// be read, is a directory, is larger than max_config_bytes, or does not parse.
Document read_document(const std::string& path);

// The tree of parse_document, for readers stricter than PyYAML (Docker Compose,
// the admin API): a repeated YAML key is an InputError at its later occurrence.
Node parse_text(std::string_view content, Syntax syntax, const std::string& file);

// The tree of read_document, with parse_text's strictness about repeated keys.
Node parse_file(const std::string& path);

// Parses one scalar as a YAML value would be read (for --set and environment values):
// "8100" -> integer, "true" -> boolean, "[a, b]" -> list, anything else -> string.
Node parse_scalar(std::string_view text, Position pos);

}  // namespace xiaozhi::config
