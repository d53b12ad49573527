// Rebuilding the server's layers from the provenance of its effective configuration.
#include "server_layers.hpp"

#include <array>
#include <stdexcept>

namespace xiaozhi::client {

namespace {

using config::LayerKind;
using Json = nlohmann::json;

constexpr std::array kKinds = {LayerKind::defaults, LayerKind::file, LayerKind::remote,
                               LayerKind::environment, LayerKind::command_line};

std::size_t kind_index(const std::string& layer, const std::string& source) {
    for (std::size_t i = 0; i < kKinds.size(); ++i) {
        if (config::layer_kind_name(kKinds[i]) == layer) return i;
    }
    throw std::invalid_argument(source + ": unknown layer \"" + layer + "\"");
}

std::string source_of(LayerKind kind) {
    switch (kind) {
        case LayerKind::defaults:
            return "built-in defaults";
        case LayerKind::file:
            return "the server's files";
        case LayerKind::remote:
            return "the server's remote layer";
        case LayerKind::environment:
            return "the server's environment";
        case LayerKind::command_line:
            return "the server's --set";
    }
    return {};
}

config::Position position_of(const Json& origin, const std::string& source) {
    if (!origin.is_object()) throw std::invalid_argument(source + ": origin is not an object");
    config::Position pos;
    pos.file = origin.value("file", std::string{});
    pos.line = origin.value("line", 0);
    pos.column = origin.value("column", 0);
    return pos;
}

// Puts `value` at `key` of the layer its origin names, unless a higher value of the same
// layer is there already (values come highest precedence first).
void place(std::array<config::Node, kKinds.size()>& trees,
           std::array<std::vector<std::string>, kKinds.size()>& placed, const std::string& key,
           const Json& value, const Json& origin, const std::string& source) {
    const std::size_t index = kind_index(origin.at("layer").get<std::string>(), source);
    for (const std::string& done : placed[index]) {
        if (done == key) return;
    }
    placed[index].push_back(key);
    config::set_path(trees[index], config::split_path(key),
                     node_from_json(value, position_of(origin, source)));
}

bool sets_management_api(const config::Node& file_tree) {
    const config::Node* url = file_tree.find(config::Path{"manager-api", "url"});
    return url != nullptr && url->kind == config::Kind::string && !url->text.empty();
}

}  // namespace

config::Node node_from_json(const Json& value, const config::Position& pos) {
    switch (value.type()) {
        case Json::value_t::null:
            return config::Node::null_at(pos);
        case Json::value_t::boolean:
            return config::Node::boolean_at(value.get<bool>(), pos);
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
            return config::Node::integer_at(value.get<std::int64_t>(), pos);
        case Json::value_t::number_float: {
            config::Node node;
            node.kind = config::Kind::floating;
            node.pos = pos;
            node.floating = value.get<double>();
            node.text = value.dump();
            return node;
        }
        case Json::value_t::string:
            return config::Node::string_at(value.get<std::string>(), pos);
        case Json::value_t::array: {
            config::Node list = config::Node::list_at(pos);
            for (const Json& item : value) list.items.push_back(node_from_json(item, pos));
            return list;
        }
        case Json::value_t::object: {
            config::Node map = config::Node::map_at(pos);
            for (const auto& [key, item] : value.items()) map.set(key, node_from_json(item, pos));
            return map;
        }
        default:
            return config::Node::null_at(pos);
    }
}

config::Loaded loaded_from_config_json(const Json& document, const std::string& source) {
    if (!document.is_object() || !document.contains("values") || !document["values"].is_array()) {
        throw std::invalid_argument(source + ": expected {\"values\": [...]}");
    }
    std::array<config::Node, kKinds.size()> trees;
    std::array<std::vector<std::string>, kKinds.size()> placed;
    for (auto& tree : trees) tree = config::Node::map_at(config::Position{});
    try {
        for (const Json& entry : document["values"]) {
            const std::string key = entry.at("key").get<std::string>();
            place(trees, placed, key, entry.at("value"), entry.at("origin"), source);
            for (const Json& earlier : entry.value("overridden", Json::array())) {
                if (!earlier.value("note", std::string{}).empty()) continue;
                place(trees, placed, key, earlier.at("value"), earlier.at("origin"), source);
            }
        }
    } catch (const Json::exception& error) {
        throw std::invalid_argument(source + ": " + error.what());
    }
    config::Loaded loaded;
    for (std::size_t i = 0; i < kKinds.size(); ++i) {
        if (trees[i].entries.empty()) continue;
        loaded.layers.push_back(config::Layer{kKinds[i], source_of(kKinds[i]), trees[i], {}});
    }
    loaded.remote_is_management_api = sets_management_api(trees[1]);
    loaded.effective = config::Effective::merge(loaded.layers);
    return loaded;
}

}  // namespace xiaozhi::client
