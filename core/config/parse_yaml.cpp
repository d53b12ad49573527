// YAML text to a bounded, positioned Node tree (yaml-cpp), with PyYAML's scalars and repeated keys.
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <utility>

#include "config/input_error.hpp"
#include "config/parse_detail.hpp"
#include "config/parse_limits.hpp"
#include "config/text_positions.hpp"
#include "config/yaml_shape.hpp"

namespace xiaozhi::config::detail {

namespace {

constexpr std::string_view core_tag_prefix = "tag:yaml.org,2002:";

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

class YamlConverter {
  public:
    YamlConverter(std::string_view content, const std::string& file)
        : file_(file),
          positions_(content, file),
          mark_base_(content.substr(0, byte_order_mark.size()) == byte_order_mark
                         ? byte_order_mark.size()
                         : 0) {}

    // yaml-cpp counts columns in bytes and offsets from after a byte order mark.
    Position position(const YAML::Mark& mark) const {
        if (mark.is_null()) return Position{file_, 0, 0};
        return positions_.at_offset(mark_base_ + static_cast<std::size_t>(mark.pos));
    }

    std::vector<DuplicateKey> take_duplicate_keys() { return std::move(duplicates_); }

    // `path` is where `source` sits in the document, for naming repeated keys; `depth` is its
    // level if it is a map or a list (the top-level map is 1). Aliases expand here, so here
    // the limits stop a recursive alias or a "billion laughs" document.
    Node convert(const YAML::Node& source, int depth, Path& path) {
        const Position pos = position(source.Mark());
        switch (source.Type()) {
            case YAML::NodeType::Map:
                limits_.container(depth, pos);
                return convert_map(source, depth, path);
            case YAML::NodeType::Sequence: {
                limits_.container(depth, pos);
                Node list = Node::list_at(pos);
                for (const auto& item : source) {
                    path.push_back(std::to_string(list.items.size()));
                    list.items.push_back(convert(item, depth + 1, path));
                    path.pop_back();
                }
                return list;
            }
            case YAML::NodeType::Scalar:
                limits_.count_value(pos);
                return convert_scalar(source);
            case YAML::NodeType::Null:
            case YAML::NodeType::Undefined:
                break;
        }
        limits_.count_value(pos);
        return Node::null_at(pos);
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

    // Where each key of a map being converted went: its entry, and where it was first written.
    struct WrittenKey {
        std::size_t entry = 0;
        YAML::Mark first;
    };
    using WrittenKeys = std::map<std::string, WrittenKey>;

    // A repeated key keeps its first place and takes the later value, as a PyYAML dict does.
    Node convert_map(const YAML::Node& source, int depth, Path& path) {
        Node map = Node::map_at(position(source.Mark()));
        std::vector<YAML::Node> merge_values;
        WrittenKeys written;
        std::vector<std::pair<std::size_t, std::size_t>> repeated;  // in duplicates_, in entries
        for (const auto& member : source) {
            const YAML::Node& key = member.first;
            if (is_merge_key(key)) {
                merge_values.push_back(member.second);
                continue;
            }
            std::string name = key_text(key);
            path.push_back(name);
            Node value = convert(member.second, depth + 1, path);
            if (value.kind == Kind::null && value.text.empty()) {
                value.pos = value_position(key, member.second);
            }
            const auto [place, is_new] =
                written.emplace(name, WrittenKey{map.entries.size(), key.Mark()});
            if (is_new) {
                map.entries.emplace_back(std::move(name), std::move(value));
            } else {
                map.entries[place->second.entry].second = std::move(value);
                if (record_duplicate(path, place->second.first, key.Mark())) {
                    repeated.emplace_back(duplicates_.size() - 1, place->second.entry);
                }
            }
            path.pop_back();
        }
        for (const auto& [duplicate, entry] : repeated) {
            limits_.count_copy(map.entries[entry].second);
            duplicates_[duplicate].value = map.entries[entry].second;
        }
        for (const auto& merge : merge_values) merge_into(map, written, merge, depth, path);
        return map;
    }

    // Records a repetition once, though an alias may convert its map again.
    bool record_duplicate(const Path& path, const YAML::Mark& first, const YAML::Mark& later) {
        if (!recorded_.insert(later.pos).second) return false;
        duplicates_.push_back(DuplicateKey{join_path(path), position(first), position(later), {}});
        return true;
    }

    // `<<: *base` or `<<: [*a, *b]`: keys not written explicitly come from the
    // merged maps, earlier maps first (as PyYAML does). A merged map counts one level deeper
    // than `map`, so that a map merging itself, or a long chain of merges, ends at the limit.
    void merge_into(Node& map, WrittenKeys& written, const YAML::Node& merge, int depth,
                    Path& path) {
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
            Node merged = convert(item, depth + 1, path);
            for (auto& [key, value] : merged.entries) {
                if (written.emplace(key, WrittenKey{map.entries.size(), merge.Mark()}).second) {
                    map.entries.emplace_back(key, std::move(value));
                }
            }
        }
    }

    const std::string& file_;
    TextPositions positions_;
    std::size_t mark_base_;
    DocumentLimits limits_;
    std::vector<DuplicateKey> duplicates_;
    std::set<int> recorded_;  // yaml-cpp offsets of the repetitions recorded
};

}  // namespace

Document parse_yaml(std::string_view content, const std::string& file) {
    YamlConverter converter(content, file);
    const std::string text(content);
    std::vector<YAML::Node> documents;
    try {
        check_yaml_shape(text, [&](const YAML::Mark& mark) { return converter.position(mark); });
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception& error) {
        throw InputError(converter.position(error.mark), one_line(error.msg));
    }
    if (documents.empty()) return Document{Node::map_at(Position{file, 1, 1}), {}};
    if (documents.size() > 1) {
        throw InputError(
            converter.position(documents[1].Mark()),
            "expected a single YAML document, found " + std::to_string(documents.size()));
    }
    const YAML::Node& root = documents.front();
    if (root.IsNull()) return Document{Node::map_at(Position{file, 1, 1}), {}};
    Node tree;
    Path path;
    try {
        tree = converter.convert(root, 1, path);
    } catch (const YAML::Exception& error) {
        throw InputError(converter.position(error.mark), one_line(error.msg));
    }
    if (!tree.is_map()) {
        throw InputError(tree.pos, not_a_map_message(tree.kind));
    }
    return Document{std::move(tree), converter.take_duplicate_keys()};
}

}  // namespace xiaozhi::config::detail
