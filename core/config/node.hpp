// A configuration tree value that remembers where in which file each node was written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xiaozhi::config {

// Where a node was written: file name, 1-based line and column (0 when unknown). The
// column counts characters (code points), as an editor does; utf16_column counts UTF-16
// code units, as SARIF does (0 when unknown: then the same as column).
struct Position {
    std::string file;
    int line = 0;
    int column = 0;
    int utf16_column = 0;

    // "file:line:col", or just "file" when the line is unknown.
    std::string to_string() const;
};

enum class Kind { null, boolean, integer, floating, string, list, map };

// "null", "boolean", "integer", "float", "string", "list", "map".
std::string_view kind_name(Kind kind);

// A dotted key split into its segments: {"server", "auth", "enabled"}.
using Path = std::vector<std::string>;

std::string join_path(const Path& path);
Path split_path(std::string_view dotted);

// One value of a configuration tree. Scalars keep their source text in `text`
// so messages can quote what the user wrote.
struct Node {
    Kind kind = Kind::null;
    Position pos;
    bool boolean = false;
    std::int64_t integer = 0;
    double floating = 0;
    std::string text;                                   // string value, or source text of a scalar
    std::vector<Node> items;                            // kind == list
    std::vector<std::pair<std::string, Node>> entries;  // kind == map, in source order

    // User-declared for clang 14 with libstdc++ 12 (C++20), which otherwise fails on the pair
    // of `entries`: checking Node's implicit default constructor needs the complete pair.
    Node() = default;

    static Node null_at(Position pos);
    static Node string_at(std::string value, Position pos);
    static Node integer_at(std::int64_t value, Position pos);
    static Node boolean_at(bool value, Position pos);
    static Node map_at(Position pos);
    static Node list_at(Position pos);

    bool is_scalar() const { return kind != Kind::list && kind != Kind::map; }
    bool is_map() const { return kind == Kind::map; }

    const Node* find(std::string_view key) const;
    Node* find(std::string_view key);
    const Node* find(const Path& path) const;

    // Replaces the value of `key` in a map, or appends it (keeps source order).
    Node& set(const std::string& key, Node value);
    // Removes `key` from a map; returns whether it was there.
    bool erase(std::string_view key);

    // The value as a person would write it in YAML flow style: 8000, "ws://…", [a, b], {k: v}.
    std::string render() const;
};

// Sets the value at `path` in the map `root`, creating maps on the way (a
// non-map in the way is replaced); created maps take `value`'s position.
Node& set_path(Node& root, const Path& path, Node value);

// Structural equality of values (positions ignored). With `ignore_order`,
// lists compare as multisets.
bool same_value(const Node& a, const Node& b, bool ignore_order = false);

// `text` in double quotes, quotes and backslashes escaped, \n \t \r and \xNN for the other
// control characters: read back as the same text by YAML and logfmt readers.
std::string double_quoted(std::string_view text);

}  // namespace xiaozhi::config
