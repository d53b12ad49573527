// Building the pushed remote layer and its JSON body.
#include "remote_change.hpp"

#include <sstream>

#include "config/input_error.hpp"
#include "config/parse.hpp"
#include "report/json_values.hpp"

namespace xiaozhi::client {

namespace {

// Removes `path` from `root`, and the maps it leaves empty; whether it was there.
bool remove_path(config::Node& root, const config::Path& path, std::size_t depth = 0) {
    if (!root.is_map()) return false;
    if (depth + 1 == path.size()) return root.erase(path[depth]);
    config::Node* child = root.find(path[depth]);
    if (child == nullptr || !remove_path(*child, path, depth + 1)) return false;
    if (child->is_map() && child->entries.empty()) root.erase(path[depth]);
    return true;
}

}  // namespace

config::Node merge_trees(const config::Node& base, const config::Node& over) {
    if (!base.is_map() || !over.is_map()) return over;
    config::Node merged = base;
    for (const auto& [key, value] : over.entries) {
        const config::Node* existing = merged.find(key);
        merged.set(key, existing != nullptr ? merge_trees(*existing, value) : value);
    }
    return merged;
}

config::Node changed_tree(const config::Node& current, const RemoteChange& change) {
    config::Node tree = current.is_map() ? current : config::Node::map_at(current.pos);
    if (!change.file.empty()) tree = merge_trees(tree, config::parse_file(change.file));
    if (!change.assignments.empty()) {
        tree = merge_trees(tree, config::command_line_layer(change.assignments).tree);
    }
    for (const std::string& key : change.removals) {
        if (key.empty() || !remove_path(tree, config::split_path(key))) {
            throw config::InputError(config::Position{"--unset " + key, 0, 0},
                                     "the server's remote layer does not set '" + key + "'");
        }
    }
    return tree;
}

config::Layer remote_layer_of(const config::Node& tree, bool from_management_api) {
    config::Layer layer{config::LayerKind::remote, "pushed remote layer", tree, {}};
    if (!from_management_api) return layer;
    for (const std::string& dotted : config::management_api_local_keys()) {
        const config::Path path = config::split_path(dotted);
        const config::Node* value = layer.tree.find(path);
        if (value == nullptr) continue;
        layer.dropped.push_back(config::DroppedValue{
            path, *value, "ignored: " + dotted + " stays local when manager-api.url is set"});
        remove_path(layer.tree, path);
    }
    return layer;
}

std::string layer_body(const config::Node& tree) {
    std::ostringstream out;
    report::write_json(out, report::node_json(tree));
    return out.str();
}

}  // namespace xiaozhi::client
