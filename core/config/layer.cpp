// Layers from files, the remote source and --set assignments.
#include "config/layer.hpp"

#include <algorithm>

#include "config/input_error.hpp"
#include "config/parse.hpp"

namespace xiaozhi::config {

std::string_view layer_kind_name(LayerKind kind) {
    switch (kind) {
        case LayerKind::defaults:
            return "default";
        case LayerKind::file:
            return "file";
        case LayerKind::remote:
            return "remote";
        case LayerKind::environment:
            return "env";
        case LayerKind::command_line:
            return "set";
    }
    return "file";
}

Layer file_layer(const std::string& path) {
    Document document = read_document(path);
    return Layer{
        LayerKind::file, path, std::move(document.tree), {}, std::move(document.duplicate_keys)};
}

const std::vector<std::string>& management_api_local_keys() {
    static const std::vector<std::string> keys = {"server.ip", "server.port", "server.http_port",
                                                  "server.vision_explain", "server.auth_key"};
    return keys;
}

const std::vector<std::string>& serve_local_keys() {
    static const std::vector<std::string> keys = {
        "server.state_dir",   "server.firmware_dir", "server.admin_token",
        "server.admin_allow", "server.tls",          "log.log_dir",
        "log.log_file",       "log.data_dir",        "fleet"};
    return keys;
}

namespace {

// The value at `dotted` in `tree`, or nullptr.
const Node* value_at(const Node& tree, const std::string& dotted) {
    const Node* node = &tree;
    for (const auto& segment : split_path(dotted)) {
        if (node == nullptr || node->kind != Kind::map) return nullptr;
        node = node->find(segment);
    }
    return node;
}

// Removes `dotted` from the layer's tree, recording it in `dropped` with `reason`.
void drop_key(Layer& layer, const std::string& dotted, const std::string& reason) {
    Path path_of_key = split_path(dotted);
    const std::string last = path_of_key.back();
    path_of_key.pop_back();
    Node* parent = &layer.tree;
    for (const auto& segment : path_of_key) {
        if (parent != nullptr && parent->kind == Kind::map) {
            parent = parent->find(segment);
        } else {
            parent = nullptr;
        }
    }
    if (parent == nullptr || parent->kind != Kind::map) return;
    const Node* value = parent->find(last);
    if (value == nullptr) return;
    path_of_key.push_back(last);
    layer.dropped.push_back(DroppedValue{path_of_key, *value, reason});
    parent->erase(last);
}

}  // namespace

std::optional<std::string> find_serve_local_key(const Node& tree) {
    for (const auto& dotted : serve_local_keys()) {
        if (value_at(tree, dotted) != nullptr) return dotted;
    }
    return std::nullopt;
}

Layer remote_layer(const std::string& path, bool from_management_api) {
    return remote_layer_of(parse_file(path), path, from_management_api);
}

Layer remote_layer_of(Node tree, std::string source, bool from_management_api) {
    Layer layer{LayerKind::remote, std::move(source), std::move(tree), {}};
    for (const auto& dotted : serve_local_keys()) {
        drop_key(
            layer, dotted,
            "ignored: " + dotted + " is local to each machine; set it in a configuration file");
    }
    if (!from_management_api) return layer;
    for (const auto& dotted : management_api_local_keys()) {
        drop_key(layer, dotted, "ignored: " + dotted + " stays local when manager-api.url is set");
    }
    return layer;
}

Layer command_line_layer(const std::vector<std::string>& assignments) {
    Layer layer{LayerKind::command_line, "--set", Node::map_at(Position{"--set", 0, 0}), {}};
    for (const auto& assignment : assignments) {
        const Position pos{"--set " + assignment, 0, 0};
        const std::size_t equals = assignment.find('=');
        if (equals == std::string::npos) {
            throw InputError(pos, "expected key=value, got '" + assignment + "'");
        }
        const std::string key = assignment.substr(0, equals);
        const Path path = split_path(key);
        if (path.empty() ||
            std::any_of(path.begin(), path.end(), [](const std::string& s) { return s.empty(); })) {
            throw InputError(pos, "invalid key '" + key + "' in '" + assignment + "'");
        }
        set_path(layer.tree, path, parse_scalar(assignment.substr(equals + 1), pos));
    }
    return layer;
}

}  // namespace xiaozhi::config
