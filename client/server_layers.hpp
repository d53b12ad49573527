// The server's configuration layers, rebuilt from GET /xiaozhi/admin/config.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "config/load.hpp"
#include "config/node.hpp"

namespace xiaozhi::client {

// The document of GET /xiaozhi/admin/config ({"values":[{key, value, origin, overridden}]})
// back as layers: every value and every value it overrode goes to the layer its origin
// names (default, file, remote, env, set), keeping its position; dropped values (with a
// note) are left out. Secrets stay masked as the server sent them. The result has the
// layers in precedence order and the merge of them; remote_is_management_api is set when
// the file layer sets manager-api.url. Throws std::invalid_argument naming `source` when
// the document does not have that shape.
config::Loaded loaded_from_config_json(const nlohmann::json& document, const std::string& source);

// A JSON value as a configuration node, every node at `pos`.
config::Node node_from_json(const nlohmann::json& value, const config::Position& pos);

}  // namespace xiaozhi::client
