// YAML text to a positioned Node tree (yaml-cpp), with PyYAML's scalar resolution.
#include <yaml-cpp/yaml.h>

#include <set>

#include "config/input_error.hpp"
#include "config/parse_detail.hpp"

namespace xiaozhi::config::detail {

namespace {

// Limits that keep alias cycles and "billion laughs" documents from running away.
constexpr int max_depth = 200;
constexpr std::size_t max_nodes = 1'000'000;

constexpr std::string_view core_tag_prefix = "tag:yaml.org,2002:";

class YamlConverter {
  public:
    explicit YamlConverter(const std::string& file) : file_(file) {}

    Position position(const YAML::Mark& mark) const {
        if (mark.is_null()) return Position{file_, 0, 0};
        return Position{file_, mark.line + 1, mark.column + 1};
    }

    Node convert(const YAML::Node& source, int depth) {
        if (depth > max_depth) {
            throw InputError(position(source.Mark()), "nesting deeper than " +
                                                          std::to_string(max_depth) +
                                                          " levels (a recursive alias?)");
        }
        if (++node_count_ > max_nodes) {
            throw InputError(position(source.Mark()), "more than " + std::to_string(max_nodes) +
                                                          " values after expanding aliases");
        }
        switch (source.Type()) {
            case YAML::NodeType::Map:
                return convert_map(source, depth);
            case YAML::NodeType::Sequence: {
                Node list = Node::list_at(position(source.Mark()));
                for (const auto& item : source) list.items.push_back(convert(item, depth + 1));
                return list;
            }
            case YAML::NodeType::Scalar:
                return convert_scalar(source);
            case YAML::NodeType::Null:
            case YAML::NodeType::Undefined:
                break;
        }
        return Node::null_at(position(source.Mark()));
    }

  private:
    Node convert_scalar(const YAML::Node& source) const {
        const std::string& tag = source.Tag();
        Position pos = position(source.Mark());
        if (tag == "!" || tag == std::string(core_tag_prefix) + "str") {
            return Node::string_at(source.Scalar(), std::move(pos));
        }
        return resolve_plain_scalar(source.Scalar(), std::move(pos));
    }

    static bool is_merge_key(const YAML::Node& key) {
        return key.IsScalar() && key.Tag() == "?" && key.Scalar() == "<<";
    }

    std::string key_text(const YAML::Node& key) const {
        if (key.IsNull()) return "null";
        if (!key.IsScalar()) {
            throw InputError(position(key.Mark()), "a map or list used as a key is not supported");
        }
        return key.Scalar();
    }

    // A value written as `key:` with nothing after it is placed at its key.
    Position value_position(const YAML::Node& key, const YAML::Node& value) const {
        if (value.IsNull() && (value.Mark().is_null() || value.Mark().line != key.Mark().line)) {
            return position(key.Mark());
        }
        return position(value.Mark());
    }

    Node convert_map(const YAML::Node& source, int depth) {
        Node map = Node::map_at(position(source.Mark()));
        std::vector<YAML::Node> merge_values;
        std::set<std::string> seen;
        for (const auto& member : source) {
            const YAML::Node& key = member.first;
            if (is_merge_key(key)) {
                merge_values.push_back(member.second);
                continue;
            }
            std::string name = key_text(key);
            if (!seen.insert(name).second) {
                throw InputError(position(key.Mark()), "duplicate key '" + name + "'");
            }
            Node value = convert(member.second, depth + 1);
            if (value.kind == Kind::null && value.text.empty()) {
                value.pos = value_position(key, member.second);
            }
            map.entries.emplace_back(std::move(name), std::move(value));
        }
        for (const auto& merge : merge_values) merge_into(map, merge, depth);
        return map;
    }

    // `<<: *base` or `<<: [*a, *b]`: keys not written explicitly come from the
    // merged maps, earlier maps first (as PyYAML does).
    void merge_into(Node& map, const YAML::Node& merge, int depth) {
        std::vector<YAML::Node> sources;
        if (merge.IsMap()) {
            sources.push_back(merge);
        } else if (merge.IsSequence()) {
            for (const auto& item : merge) sources.push_back(item);
        }
        for (const auto& item : sources) {
            if (!item.IsMap()) {
                throw InputError(position(item.Mark()),
                                 "a merge key (<<) needs a map or a list of maps");
            }
        }
        if (sources.empty()) {
            throw InputError(position(merge.Mark()),
                             "a merge key (<<) needs a map or a list of maps");
        }
        for (const auto& item : sources) {
            Node merged = convert(item, depth + 1);
            for (auto& [key, value] : merged.entries) {
                if (map.find(key) == nullptr) map.entries.emplace_back(key, std::move(value));
            }
        }
    }

    const std::string& file_;
    std::size_t node_count_ = 0;
};

}  // namespace

Node parse_yaml(std::string_view content, const std::string& file) {
    YamlConverter converter(file);
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(std::string(content));
    } catch (const YAML::Exception& error) {
        throw InputError(converter.position(error.mark), one_line(error.msg));
    }
    if (documents.empty()) return Node::map_at(Position{file, 1, 1});
    if (documents.size() > 1) {
        throw InputError(
            converter.position(documents[1].Mark()),
            "expected a single YAML document, found " + std::to_string(documents.size()));
    }
    const YAML::Node& root = documents.front();
    if (root.IsNull()) return Node::map_at(Position{file, 1, 1});
    Node tree;
    try {
        tree = converter.convert(root, 0);
    } catch (const YAML::Exception& error) {
        throw InputError(converter.position(error.mark), one_line(error.msg));
    }
    if (!tree.is_map()) {
        throw InputError(tree.pos, not_a_map_message(tree.kind));
    }
    return tree;
}

}  // namespace xiaozhi::config::detail
