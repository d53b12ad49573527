// Effective::merge: layers merged into one tree, with the origin and override chain of every leaf.
#include "config/effective.hpp"

#include <algorithm>
#include <iterator>
#include <map>

namespace xiaozhi::config {

namespace {

struct LeafState {
    Node value;
    Origin origin;
    std::vector<Override> overridden;
};

using LeafStates = std::map<Path, LeafState>;

bool is_leaf(const Node& node) {
    return !node.is_map() || node.entries.empty();
}

// Calls `visit(path, node)` for every leaf under `node` (at `path`), in tree order.
template <typename Visit>
void for_each_leaf(const Node& node, Path& path, const Visit& visit) {
    if (is_leaf(node)) {
        visit(path, node);
        return;
    }
    for (const auto& [key, child] : node.entries) {
        path.push_back(key);
        for_each_leaf(child, path, visit);
        path.pop_back();
    }
}

class Merger {
  public:
    explicit Merger(LeafStates& leaves) : leaves_(leaves) {}

    void merge_layer(Node& tree, const Layer& layer) {
        layer_name_ = std::string(layer_kind_name(layer.kind));
        Path path;
        if (layer.tree.is_map()) merge_map(tree, layer.tree, path);
        for (const auto& dropped : layer.dropped) attach_dropped(dropped);
    }

  private:
    // Maps merge key by key; anything else replaces. An empty map merged into a
    // non-empty map changes nothing.
    void merge_map(Node& target, const Node& source, Path& path) {
        for (const auto& [key, value] : source.entries) {
            path.push_back(key);
            Node* existing = target.find(key);
            if (existing == nullptr) {
                add_leaves(value, path, {});
                target.entries.emplace_back(key, value);
            } else if (existing->is_map() && value.is_map() && !value.entries.empty()) {
                std::vector<Override> carried = take_leaf_history(path);
                merge_map(*existing, value, path);
                prepend_to_first_leaf(path, std::move(carried));
            } else if (!existing->is_map() || existing->entries.empty() || !value.is_map()) {
                std::vector<Override> replaced = take_replaced(*existing, path);
                add_leaves(value, path, std::move(replaced));
                *existing = value;
            }
            path.pop_back();
        }
    }

    // When an empty-map leaf becomes a parent, its own history moves to its first child.
    std::vector<Override> take_leaf_history(const Path& path) {
        const auto it = leaves_.find(path);
        if (it == leaves_.end()) return {};
        std::vector<Override> history = std::move(it->second.overridden);
        leaves_.erase(it);
        return history;
    }

    void prepend_to_first_leaf(const Path& path, std::vector<Override> history) {
        if (history.empty()) return;
        for (auto& [leaf_path, state] : leaves_) {
            if (leaf_path.size() >= path.size() &&
                std::equal(path.begin(), path.end(), leaf_path.begin())) {
                state.overridden.insert(state.overridden.begin(),
                                        std::make_move_iterator(history.begin()),
                                        std::make_move_iterator(history.end()));
                return;
            }
        }
    }

    // The leaves of the value being replaced at `path`, as overrides of what replaces it.
    std::vector<Override> take_replaced(const Node& old_value, const Path& path) {
        std::vector<Override> replaced;
        Path walk = path;
        for_each_leaf(old_value, walk, [&](const Path& leaf_path, const Node&) {
            const auto it = leaves_.find(leaf_path);
            if (it == leaves_.end()) return;
            std::string note;
            if (leaf_path.size() > path.size()) {
                note = "was " + join_path(leaf_path) + ", replaced by a non-map value";
            }
            replaced.push_back(Override{it->second.origin, it->second.value, note});
            for (auto& earlier : it->second.overridden) replaced.push_back(std::move(earlier));
            leaves_.erase(it);
        });
        return replaced;
    }

    void add_leaves(const Node& value, const Path& path, std::vector<Override> replaced) {
        const bool replaced_by_map = !is_leaf(value);
        Path walk = path;
        for_each_leaf(value, walk, [&](const Path& leaf_path, const Node& leaf) {
            LeafState state{leaf, Origin{layer_name_, leaf.pos}, {}};
            if (!replaced.empty()) {
                if (replaced_by_map && replaced.front().note.empty()) {
                    replaced.front().note = join_path(path) + " was replaced by a map";
                }
                state.overridden = std::move(replaced);
                replaced.clear();
            }
            leaves_[leaf_path] = std::move(state);
        });
    }

    void attach_dropped(const DroppedValue& dropped) {
        Override entry{Origin{layer_name_, dropped.value.pos}, dropped.value, dropped.reason};
        for (auto& [leaf_path, state] : leaves_) {
            if (leaf_path.size() >= dropped.path.size() &&
                std::equal(dropped.path.begin(), dropped.path.end(), leaf_path.begin())) {
                state.overridden.insert(state.overridden.begin(), std::move(entry));
                return;
            }
        }
    }

    LeafStates& leaves_;
    std::string layer_name_;
};

}  // namespace

std::string Origin::to_string() const {
    if (layer == "default") return "built-in default";
    if (layer == "env") return "environment " + pos.file;
    if (layer == "set") return pos.file;
    return pos.to_string();
}

Effective Effective::merge(const std::vector<Layer>& layers) {
    Effective effective;
    effective.tree_ = Node::map_at(Position{});
    LeafStates leaves;
    Merger merger(leaves);
    for (const auto& layer : layers) {
        merger.merge_layer(effective.tree_, layer);
        effective.duplicate_keys_.insert(effective.duplicate_keys_.end(),
                                         layer.duplicate_keys.begin(), layer.duplicate_keys.end());
    }
    Path path;
    for (const auto& [key, child] : effective.tree_.entries) {
        path.push_back(key);
        for_each_leaf(child, path, [&](const Path& leaf_path, const Node& leaf) {
            Entry entry{join_path(leaf_path), leaf_path, leaf, Origin{"default", leaf.pos}, {}};
            if (const auto it = leaves.find(leaf_path); it != leaves.end()) {
                entry.origin = std::move(it->second.origin);
                entry.overridden = std::move(it->second.overridden);
            }
            effective.entries_.push_back(std::move(entry));
        });
        path.pop_back();
    }
    return effective;
}

const Entry* Effective::entry(std::string_view dotted) const {
    for (const auto& candidate : entries_) {
        if (candidate.key == dotted) return &candidate;
    }
    return nullptr;
}

const Node* Effective::get(std::string_view dotted) const {
    return tree_.find(split_path(dotted));
}

std::optional<std::string> Effective::get_string(std::string_view dotted) const {
    const Node* node = get(dotted);
    if (node == nullptr || node->kind != Kind::string) return std::nullopt;
    return node->text;
}

std::optional<std::int64_t> Effective::get_int(std::string_view dotted) const {
    const Node* node = get(dotted);
    if (node == nullptr || node->kind != Kind::integer) return std::nullopt;
    return node->integer;
}

std::optional<bool> Effective::get_bool(std::string_view dotted) const {
    const Node* node = get(dotted);
    if (node == nullptr || node->kind != Kind::boolean) return std::nullopt;
    return node->boolean;
}

Origin Effective::origin_of(std::string_view dotted) const {
    if (const Entry* exact = entry(dotted)) return exact->origin;
    const std::string prefix = std::string(dotted) + ".";
    for (const auto& candidate : entries_) {
        if (candidate.key.rfind(prefix, 0) == 0) return candidate.origin;
    }
    return Origin{"default", Position{"built-in defaults", 0, 0}};
}

}  // namespace xiaozhi::config
