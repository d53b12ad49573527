// Turn command-line inputs (files, xiaozhi-server folders, remote, env, --set) into layers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/effective.hpp"
#include "config/layer.hpp"

namespace xiaozhi::config {

struct LoadOptions {
    std::vector<std::string> paths;          // files or xiaozhi-server folders, lowest precedence first
    std::optional<std::string> remote_file;  // --remote FILE
    std::vector<std::string> environment;    // "NAME=VALUE"; only XIAOZHI_* are read
    std::vector<std::string> assignments;    // --set key=value
    bool with_defaults = true;
};

// A docker-compose file found beside a folder's config.yaml.
struct ComposeFile {
    std::string path;
    Node tree;
};

struct Loaded {
    std::vector<Layer> layers;         // in precedence order
    std::vector<ComposeFile> compose;  // docker-compose*.yml of the folders given
    // True when an input is a xiaozhi-server folder or a .yaml/.yml file (the
    // python runtime is then the default for the analysis).
    bool python_layout = false;
    // True when a file layer sets manager-api.url: the remote layer is then the
    // management API's and the server section stays local.
    bool remote_is_management_api = false;
    Effective effective;
};

// A folder contributes config.yaml, then data/.config.yaml when present, and
// its docker-compose*.yml / compose*.yml files; a folder with neither config
// file is an InputError. Throws InputError for every unreadable or invalid input.
Loaded load(const LoadOptions& options);

// `loaded` with its remote layer replaced by `remote` (put at its place in the
// precedence order), or removed when `remote` is nullopt, and merged again.
Loaded with_remote_layer(Loaded loaded, std::optional<Layer> remote);

// The config file(s) `xiaozhi <cmd>` would use when run with no path in `dir`:
// config.yaml (folder layout) or xiaozhi.toml / xiaozhi.yaml / xiaozhi.json; empty if none.
std::vector<std::string> discover_inputs(const std::string& dir);

}  // namespace xiaozhi::config
