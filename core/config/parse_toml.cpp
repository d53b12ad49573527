// TOML text to a positioned Node tree (toml++), keys kept in source order, within the limits.
#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "config/input_error.hpp"
#include "config/parse_detail.hpp"
#include "config/parse_limits.hpp"
#include "config/text_positions.hpp"
#include "config/toml_shape.hpp"

namespace xiaozhi::config::detail {

namespace {

// toml++ counts columns in characters already; the UTF-16 column comes from the text.
Position position_of(const toml::source_region& source, const TextPositions& positions) {
    return positions.at_column(static_cast<int>(source.begin.line),
                               static_cast<int>(source.begin.column));
}

template <typename T>
std::string streamed(const T& value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

// toml++'s tree to ours, within the limits; `depth` is the level of `source` if it is a table or
// an array (the top-level table is 1).
class TomlConverter {
  public:
    explicit TomlConverter(const TextPositions& positions) : positions_(positions) {}

    Node convert_table(const toml::table& table, int depth) {
        Node map = Node::map_at(position_of(table.source(), positions_));
        limits_.container(depth, map.pos);
        std::vector<std::pair<const toml::key*, const toml::node*>> members;
        for (const auto& [key, value] : table) members.emplace_back(&key, &value);
        std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
            const auto& left = a.first->source().begin;
            const auto& right = b.first->source().begin;
            return left.line != right.line ? left.line < right.line : left.column < right.column;
        });
        for (const auto& [key, value] : members) {
            DocumentLimits::check_key(key->str(), position_of(key->source(), positions_));
            map.entries.emplace_back(std::string(key->str()), convert(*value, depth + 1));
        }
        return map;
    }

  private:
    Node convert(const toml::node& source, int depth) {
        if (const auto* table = source.as_table()) return convert_table(*table, depth);
        Position pos = position_of(source.source(), positions_);
        if (const auto* array = source.as_array()) {
            Node list = Node::list_at(std::move(pos));
            limits_.container(depth, list.pos);
            for (const auto& item : *array) list.items.push_back(convert(item, depth + 1));
            return list;
        }
        limits_.count_value(pos);
        if (const auto* text = source.as_string()) {
            DocumentLimits::check_string(text->get(), pos);
            return Node::string_at(text->get(), std::move(pos));
        }
        return convert_scalar(source, std::move(pos));
    }

    static Node convert_scalar(const toml::node& source, Position pos) {
        if (const auto* integer = source.as_integer()) {
            return Node::integer_at(integer->get(), std::move(pos));
        }
        if (const auto* boolean = source.as_boolean()) {
            return Node::boolean_at(boolean->get(), std::move(pos));
        }
        if (const auto* floating = source.as_floating_point()) {
            Node node;
            node.kind = Kind::floating;
            node.floating = floating->get();
            node.text = streamed(*floating);
            node.pos = std::move(pos);
            return node;
        }
        if (const auto* date = source.as_date()) return Node::string_at(streamed(*date), pos);
        if (const auto* time = source.as_time()) return Node::string_at(streamed(*time), pos);
        if (const auto* date_time = source.as_date_time()) {
            return Node::string_at(streamed(*date_time), pos);
        }
        return Node::null_at(std::move(pos));
    }

    const TextPositions& positions_;
    DocumentLimits limits_;
};

}  // namespace

Node parse_toml(std::string_view content, const std::string& file) {
    const TextPositions positions(content, file);
    check_toml_shape(content, positions);
    toml::table table;
    try {
        table = toml::parse(content, std::string_view(file));
    } catch (const toml::parse_error& error) {
        throw InputError(position_of(error.source(), positions), one_line(error.description()));
    }
    Node tree = TomlConverter(positions).convert_table(table, 1);
    if (tree.entries.empty()) tree.pos = Position{file, 1, 1};
    return tree;
}

}  // namespace xiaozhi::config::detail
