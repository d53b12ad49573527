// JSON text to a bounded, positioned Node tree: nlohmann's iterative SAX parser, a token scanner.
#include <nlohmann/json.hpp>

#include <limits>
#include <set>

#include "config/input_error.hpp"
#include "config/parse_detail.hpp"
#include "config/parse_limits.hpp"
#include "config/text_positions.hpp"

namespace xiaozhi::config::detail {

namespace {

// Walks the (already validated) text alongside the SAX events: each call
// returns the position of the next key or value token and skips it.
class TokenScanner {
  public:
    TokenScanner(std::string_view content, const TextPositions& positions)
        : content_(content), positions_(positions) {
        if (content_.substr(0, 3) == "\xEF\xBB\xBF") offset_ = 3;
    }

    Position next_token() {
        skip_separators();
        Position pos = positions_.at_offset(offset_);
        if (offset_ >= content_.size()) return pos;
        const char c = content_[offset_];
        if (c == '"') {
            skip_string();
        } else if (c == '{' || c == '[') {
            ++offset_;
        } else {
            while (offset_ < content_.size() && !is_delimiter(content_[offset_])) ++offset_;
        }
        return pos;
    }

  private:
    static bool is_delimiter(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':' ||
               c == ']' || c == '}';
    }

    void skip_separators() {
        while (offset_ < content_.size() && is_delimiter(content_[offset_])) ++offset_;
    }

    void skip_string() {
        ++offset_;
        while (offset_ < content_.size() && content_[offset_] != '"') {
            offset_ += content_[offset_] == '\\' ? 2 : 1;
        }
        ++offset_;
    }

    std::string_view content_;
    const TextPositions& positions_;
    std::size_t offset_ = 0;
};

// Parser messages start with "[json.exception.parse_error.101] parse error at line 1, column 8: ".
std::string parser_message(const std::string& what) {
    std::string_view message = what;
    if (const auto bracket = message.find("] "); bracket != std::string_view::npos) {
        message.remove_prefix(bracket + 2);
    }
    if (message.rfind("parse error", 0) == 0) {
        if (const auto colon = message.find(": "); colon != std::string_view::npos) {
            message.remove_prefix(colon + 2);
        }
    }
    return one_line(message);
}

class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
  public:
    TreeBuilder(std::string_view content, const std::string& file)
        : positions_(content, file), scanner_(content, positions_) {}

    Node take_root() { return std::move(root_); }

    bool null() override { return add(Node::null_at(scanner_.next_token())); }
    bool boolean(bool value) override {
        return add(Node::boolean_at(value, scanner_.next_token()));
    }
    bool number_integer(number_integer_t value) override {
        return add(Node::integer_at(value, scanner_.next_token()));
    }
    bool number_unsigned(number_unsigned_t value) override {
        Position pos = scanner_.next_token();
        if (value > static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
            return add(Node::string_at(std::to_string(value), std::move(pos)));
        }
        return add(Node::integer_at(static_cast<std::int64_t>(value), std::move(pos)));
    }
    bool number_float(number_float_t value, const string_t& text) override {
        Node node;
        node.kind = Kind::floating;
        node.floating = value;
        node.text = text;
        node.pos = scanner_.next_token();
        return add(std::move(node));
    }
    bool string(string_t& value) override {
        Position pos = scanner_.next_token();
        DocumentLimits::check_string(value, pos);
        return add(Node::string_at(value, std::move(pos)));
    }
    bool binary(binary_t&) override { return true; }

    bool start_object(std::size_t) override { return open(Node::map_at(scanner_.next_token())); }
    bool key(string_t& name) override {
        Position pos = scanner_.next_token();
        DocumentLimits::check_key(name, pos);
        Frame& frame = stack_.back();
        if (!frame.keys.insert(name).second) {
            throw InputError(pos, "duplicate key '" + name + "'");
        }
        frame.pending_key = name;
        return true;
    }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(Node::list_at(scanner_.next_token())); }
    bool end_array() override { return close(); }

    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& error) override {
        const std::size_t offset = position > 0 ? position - 1 : 0;
        throw InputError(positions_.at_offset(offset), parser_message(error.what()));
    }

  private:
    struct Frame {
        Node node;
        std::string pending_key;
        std::set<std::string> keys;
    };

    bool open(Node container) {
        limits_.container(static_cast<int>(stack_.size()) + 1, container.pos);
        stack_.push_back(Frame{std::move(container), {}, {}});
        return true;
    }

    bool close() {
        Node done = std::move(stack_.back().node);
        stack_.pop_back();
        return add(std::move(done));
    }

    bool add(Node value) {
        if (value.is_scalar()) limits_.count_value(value.pos);
        if (stack_.empty()) {
            root_ = std::move(value);
            return true;
        }
        Frame& frame = stack_.back();
        if (frame.node.kind == Kind::list) {
            frame.node.items.push_back(std::move(value));
        } else {
            frame.node.entries.emplace_back(std::move(frame.pending_key), std::move(value));
        }
        return true;
    }

    TextPositions positions_;
    TokenScanner scanner_;
    std::vector<Frame> stack_;
    DocumentLimits limits_;
    Node root_;
};

}  // namespace

Node parse_json(std::string_view content, const std::string& file) {
    TreeBuilder builder(content, file);
    nlohmann::json::sax_parse(content.begin(), content.end(), &builder);
    Node tree = builder.take_root();
    if (!tree.is_map()) {
        throw InputError(tree.pos, not_a_map_message(tree.kind));
    }
    return tree;
}

}  // namespace xiaozhi::config::detail
