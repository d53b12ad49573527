// TOML text to a positioned Node tree (toml++), keys kept in source order.
#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "config/input_error.hpp"
#include "config/parse_detail.hpp"
#include "config/text_positions.hpp"

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

Node convert(const toml::node& source, const TextPositions& positions);

Node convert_table(const toml::table& table, const TextPositions& positions) {
    Node map = Node::map_at(position_of(table.source(), positions));
    std::vector<std::pair<const toml::key*, const toml::node*>> members;
    for (const auto& [key, value] : table) members.emplace_back(&key, &value);
    std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
        const auto& left = a.first->source().begin;
        const auto& right = b.first->source().begin;
        return left.line != right.line ? left.line < right.line : left.column < right.column;
    });
    for (const auto& [key, value] : members) {
        map.entries.emplace_back(std::string(key->str()), convert(*value, positions));
    }
    return map;
}

Node convert(const toml::node& source, const TextPositions& positions) {
    Position pos = position_of(source.source(), positions);
    if (const auto* table = source.as_table()) return convert_table(*table, positions);
    if (const auto* array = source.as_array()) {
        Node list = Node::list_at(std::move(pos));
        for (const auto& item : *array) list.items.push_back(convert(item, positions));
        return list;
    }
    if (const auto* text = source.as_string()) return Node::string_at(text->get(), std::move(pos));
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

}  // namespace

Node parse_toml(std::string_view content, const std::string& file) {
    const TextPositions positions(content, file);
    toml::table table;
    try {
        table = toml::parse(content, std::string_view(file));
    } catch (const toml::parse_error& error) {
        throw InputError(position_of(error.source(), positions), one_line(error.description()));
    }
    Node tree = convert_table(table, positions);
    if (tree.entries.empty()) tree.pos = Position{file, 1, 1};
    return tree;
}

}  // namespace xiaozhi::config::detail
