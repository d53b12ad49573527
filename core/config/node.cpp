// Node tree basics: positions, paths, lookup and structural equality.
#include "config/node.hpp"

#include <algorithm>
#include <cmath>

namespace xiaozhi::config {

std::string Position::to_string() const {
    if (line <= 0) return file;
    std::string out = file + ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
    return out;
}

std::string_view kind_name(Kind kind) {
    switch (kind) {
        case Kind::null:
            return "null";
        case Kind::boolean:
            return "boolean";
        case Kind::integer:
            return "integer";
        case Kind::floating:
            return "float";
        case Kind::string:
            return "string";
        case Kind::list:
            return "list";
        case Kind::map:
            return "map";
    }
    return "null";
}

std::string join_path(const Path& path) {
    std::string out;
    for (const auto& segment : path) {
        if (!out.empty()) out += '.';
        out += segment;
    }
    return out;
}

Path split_path(std::string_view dotted) {
    Path path;
    if (dotted.empty()) return path;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = dotted.find('.', start);
        path.emplace_back(
            dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return path;
}

Node Node::null_at(Position pos) {
    Node node;
    node.pos = std::move(pos);
    return node;
}

Node Node::string_at(std::string value, Position pos) {
    Node node;
    node.kind = Kind::string;
    node.text = std::move(value);
    node.pos = std::move(pos);
    return node;
}

Node Node::integer_at(std::int64_t value, Position pos) {
    Node node;
    node.kind = Kind::integer;
    node.integer = value;
    node.text = std::to_string(value);
    node.pos = std::move(pos);
    return node;
}

Node Node::boolean_at(bool value, Position pos) {
    Node node;
    node.kind = Kind::boolean;
    node.boolean = value;
    node.text = value ? "true" : "false";
    node.pos = std::move(pos);
    return node;
}

Node Node::map_at(Position pos) {
    Node node;
    node.kind = Kind::map;
    node.pos = std::move(pos);
    return node;
}

Node Node::list_at(Position pos) {
    Node node;
    node.kind = Kind::list;
    node.pos = std::move(pos);
    return node;
}

const Node* Node::find(std::string_view key) const {
    if (kind != Kind::map) return nullptr;
    for (const auto& [name, value] : entries) {
        if (name == key) return &value;
    }
    return nullptr;
}

Node* Node::find(std::string_view key) {
    return const_cast<Node*>(static_cast<const Node*>(this)->find(key));
}

const Node* Node::find(const Path& path) const {
    const Node* node = this;
    for (const auto& segment : path) {
        node = node->find(segment);
        if (node == nullptr) return nullptr;
    }
    return node;
}

Node& Node::set(const std::string& key, Node value) {
    if (kind != Kind::map) {
        *this = map_at(pos);
    }
    if (Node* existing = find(key)) {
        *existing = std::move(value);
        return *existing;
    }
    entries.emplace_back(key, std::move(value));
    return entries.back().second;
}

bool Node::erase(std::string_view key) {
    if (kind != Kind::map) return false;
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&](const auto& entry) { return entry.first == key; });
    if (it == entries.end()) return false;
    entries.erase(it);
    return true;
}

Node& set_path(Node& root, const Path& path, Node value) {
    Node* node = &root;
    if (!node->is_map()) *node = Node::map_at(value.pos);
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        Node* child = node->find(path[i]);
        if (child == nullptr || !child->is_map()) {
            child = &node->set(path[i], Node::map_at(value.pos));
        }
        node = child;
    }
    return node->set(path.back(), std::move(value));
}

namespace {

bool same_floating(double a, double b) {
    if (std::isnan(a) && std::isnan(b)) return true;
    return a == b;
}

bool same_list_as_multiset(const std::vector<Node>& a, const std::vector<Node>& b) {
    std::vector<bool> used(b.size(), false);
    for (const auto& item : a) {
        bool matched = false;
        for (std::size_t i = 0; i < b.size(); ++i) {
            if (!used[i] && same_value(item, b[i], true)) {
                used[i] = true;
                matched = true;
                break;
            }
        }
        if (!matched) return false;
    }
    return true;
}

}  // namespace

bool same_value(const Node& a, const Node& b, bool ignore_order) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
        case Kind::null:
            return true;
        case Kind::boolean:
            return a.boolean == b.boolean;
        case Kind::integer:
            return a.integer == b.integer;
        case Kind::floating:
            return same_floating(a.floating, b.floating);
        case Kind::string:
            return a.text == b.text;
        case Kind::list:
            if (a.items.size() != b.items.size()) return false;
            if (ignore_order) return same_list_as_multiset(a.items, b.items);
            for (std::size_t i = 0; i < a.items.size(); ++i) {
                if (!same_value(a.items[i], b.items[i], false)) return false;
            }
            return true;
        case Kind::map:
            if (a.entries.size() != b.entries.size()) return false;
            for (const auto& [key, value] : a.entries) {
                const Node* other = b.find(key);
                if (other == nullptr || !same_value(value, *other, ignore_order)) return false;
            }
            return true;
    }
    return false;
}

}  // namespace xiaozhi::config
