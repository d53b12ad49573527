// A configuration layer: one source of values (defaults, a file, remote, environment, --set).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/duplicate_key.hpp"
#include "config/node.hpp"

namespace xiaozhi::config {

// Lowest precedence first; the order of the enumerators is the precedence.
enum class LayerKind { defaults, file, remote, environment, command_line };

// "default", "file", "remote", "env", "set": the `layer` field of every origin.
std::string_view layer_kind_name(LayerKind kind);

// A value that a layer held but that did not take effect, and why.
struct DroppedValue {
    Path path;
    Node value;
    std::string reason;
};

struct Layer {
    LayerKind kind = LayerKind::file;
    std::string source;  // file path, "built-in defaults", "environment", "--set"
    Node tree;           // always a map
    std::vector<DroppedValue> dropped;
    std::vector<DuplicateKey> duplicate_keys = {};  // YAML keys the file repeats (file layers)
};

// The built-in defaults of PROTOCOL.md §2 plus this project's own server keys.
Layer defaults_layer();

// A parsed configuration file, read as the reference server's PyYAML reads it: a
// repeated key keeps the later value and is recorded in duplicate_keys (throws InputError).
Layer file_layer(const std::string& path);

// Variables named XIAOZHI_<SECTION>__<KEY>=value from `environment` ("NAME=VALUE"
// strings, as in environ). Double underscore nests; segments are lower-cased and
// matched to schema keys, so XIAOZHI_MANAGER_API__URL sets manager-api.url.
// Values are read with parse_scalar.
Layer environment_layer(const std::vector<std::string>& environment);

// `--set key=value` assignments, later ones winning (throws InputError on "key" without "=").
Layer command_line_layer(const std::vector<std::string>& assignments);

// The remote layer from a file (management API export or serve's admin API). The keys
// of serve_local_keys() are removed from the tree and recorded in `dropped`. When
// `from_management_api`, the keys that the reference server keeps local
// (server.ip, server.port, server.http_port, server.vision_explain, server.auth_key)
// are removed from the tree and recorded in `dropped` (PROTOCOL.md §2).
Layer remote_layer(const std::string& path, bool from_management_api);
// The same for a tree read elsewhere (etcd in a fleet); `source` names where.
Layer remote_layer_of(Node tree, std::string source, bool from_management_api);

// The keys of the `server` section that stay local when the remote layer comes
// from the management API.
const std::vector<std::string>& management_api_local_keys();

// Paths and security keys that no remote layer may set (serve's admin API refuses
// them with 409): server.state_dir, server.firmware_dir, server.admin_token,
// server.admin_allow, server.tls and the log paths. A key names its whole subtree.
const std::vector<std::string>& serve_local_keys();

// The first key of serve_local_keys() that `tree` sets, if any.
std::optional<std::string> find_serve_local_key(const Node& tree);

}  // namespace xiaozhi::config
