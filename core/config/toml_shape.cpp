// Scans TOML text for its nesting depth and value count without building anything.
#include "config/toml_shape.hpp"

#include <cstddef>

#include "config/parse.hpp"
#include "config/parse_limits.hpp"

namespace xiaozhi::config::detail {

namespace {

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

bool is_bare_key_character(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || byte >= 0x80;
}

bool ends_scalar(char c) {
    return c == ',' || c == ']' || c == '}' || c == '#' || c == '\n' || c == '\r';
}

// Reads the text once, as toml++ would, in levels: the top-level table is level 1. Where the
// text is not valid TOML it resumes at the next line; toml++ stops there anyway.
class TomlShapeScanner {
  public:
    TomlShapeScanner(std::string_view text, const TextPositions& positions)
        : text_(text), positions_(positions) {
        if (text_.substr(0, byte_order_mark.size()) == byte_order_mark) {
            offset_ = byte_order_mark.size();
        }
    }

    void scan() {
        while (true) {
            skip_blank_lines_and_comments();
            if (at_end()) return;
            if (peek() == '[') {
                table_header();
            } else {
                key_value(table_depth_);
            }
            skip_blank();
            if (peek() == '#') skip_comment();
            if (!at_end() && peek() != '\n' && peek() != '\r') skip_line();
        }
    }

  private:
    bool at_end() const { return offset_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[offset_]; }
    bool at(std::string_view token) const {
        return !at_end() && text_.substr(offset_, token.size()) == token;
    }

    void check_depth(int depth, std::size_t offset) const {
        if (depth > max_config_depth) throw too_deep(positions_.at_offset(offset));
    }

    void count_value(std::size_t offset) {
        if (++values_ > max_config_values) throw too_many_values(positions_.at_offset(offset));
    }

    void skip_blank() {
        while (peek() == ' ' || peek() == '\t') ++offset_;
    }

    void skip_comment() {
        while (!at_end() && peek() != '\n') ++offset_;
    }

    void skip_line() {
        skip_comment();
        if (!at_end()) ++offset_;
    }

    void skip_blank_lines_and_comments() {
        while (!at_end()) {
            const char c = peek();
            if (c == '#') {
                skip_comment();
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                ++offset_;
            } else {
                return;
            }
        }
    }

    // "..." with escapes, or '...' without; neither spans lines.
    void skip_single_line_string(char quote) {
        ++offset_;
        while (!at_end() && peek() != quote && peek() != '\n') {
            offset_ += quote == '"' && peek() == '\\' ? 2 : 1;
        }
        if (peek() == quote) ++offset_;
    }

    // """...""" or '''...''': up to two more quotes right before the closing three are content.
    void skip_multi_line_string(char quote) {
        const std::string_view delimiter = quote == '"' ? "\"\"\"" : "'''";
        offset_ += delimiter.size();
        while (!at_end()) {
            if (quote == '"' && peek() == '\\') {
                offset_ += 2;
            } else if (at(delimiter)) {
                offset_ += delimiter.size();
                for (int extra = 0; extra < 2 && peek() == quote; ++extra) ++offset_;
                return;
            } else {
                ++offset_;
            }
        }
    }

    // A dotted key whose first segment is a member of a table at `parent_depth`; every segment
    // followed by a dot is a table one level deeper. Returns the number of segments (0 when
    // there is no key here) and where the last one starts.
    int key(int parent_depth, std::size_t& last_segment) {
        int segments = 0;
        while (true) {
            skip_blank();
            const std::size_t start = offset_;
            if (peek() == '"' || peek() == '\'') {
                skip_single_line_string(peek());
            } else {
                while (is_bare_key_character(peek())) ++offset_;
            }
            if (offset_ == start) return segments;
            ++segments;
            last_segment = start;
            skip_blank();
            if (peek() != '.') return segments;
            check_depth(parent_depth + segments, start);
            ++offset_;
        }
    }

    // [a.b.c] is a table at level 4; [[a.b]] a table (level 4) in an array (level 3).
    void table_header() {
        const bool array_of_tables = at("[[");
        offset_ += array_of_tables ? 2 : 1;
        std::size_t last_segment = offset_;
        const int segments = key(1, last_segment);
        if (segments == 0) return;
        const int depth = 1 + segments + (array_of_tables ? 1 : 0);
        check_depth(depth, last_segment);
        count_value(last_segment);
        table_depth_ = depth;
        skip_blank();
        if (array_of_tables && at("]]")) {
            offset_ += 2;
        } else if (peek() == ']') {
            ++offset_;
        }
    }

    // key = value in a table at `depth`; false when there is no key and '=' here.
    bool key_value(int depth) {
        std::size_t last_segment = offset_;
        const int segments = key(depth, last_segment);
        if (segments == 0 || peek() != '=') return false;
        ++offset_;
        skip_blank();
        value(depth + segments);
        return true;
    }

    // A value that, when it is an inline table or array, sits at level `depth`.
    void value(int depth) {
        const std::size_t start = offset_;
        const char c = peek();
        if (c == '{' || c == '[') {
            check_depth(depth, start);
            count_value(start);
            ++offset_;
            if (c == '{') {
                inline_table(depth);
            } else {
                array(depth);
            }
            return;
        }
        if (at("\"\"\"") || at("'''")) {
            skip_multi_line_string(c);
        } else if (c == '"' || c == '\'') {
            skip_single_line_string(c);
        } else {
            while (!at_end() && !ends_scalar(peek())) ++offset_;
        }
        if (offset_ != start) count_value(start);
    }

    void array(int depth) {
        while (true) {
            skip_blank_lines_and_comments();
            if (peek() == ']') {
                ++offset_;
                return;
            }
            const std::size_t before = offset_;
            value(depth + 1);
            if (offset_ == before) return;
            skip_blank_lines_and_comments();
            if (peek() == ']') {
                ++offset_;
                return;
            }
            if (peek() != ',') return;
            ++offset_;
        }
    }

    void inline_table(int depth) {
        while (true) {
            skip_blank_lines_and_comments();
            if (peek() == '}') {
                ++offset_;
                return;
            }
            if (!key_value(depth)) return;
            skip_blank_lines_and_comments();
            if (peek() == '}') {
                ++offset_;
                return;
            }
            if (peek() != ',') return;
            ++offset_;
        }
    }

    std::string_view text_;
    const TextPositions& positions_;
    std::size_t offset_ = 0;
    std::size_t values_ = 1;  // the top-level table
    int table_depth_ = 1;
};

}  // namespace

void check_toml_shape(std::string_view content, const TextPositions& positions) {
    TomlShapeScanner(content, positions).scan();
}

}  // namespace xiaozhi::config::detail
