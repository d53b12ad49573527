// Turn command-line inputs (files, xiaozhi-server folders, remote, env, --set) into layers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/effective.hpp"
#include "config/layer.hpp"

namespace xiaozhi::config {

struct LoadOptions {
    std::vector<std::string> paths;  // files or xiaozhi-server folders, lowest precedence first
    std::optional<std::string> remote_file;  // --remote FILE
    std::vector<std::string> environment;    // "NAME=VALUE"; only XIAOZHI_* are read
    std::vector<std::string> assignments;    // --set key=value
    bool with_defaults = true;
    // --compose FILE...: exactly this compose project (files merged in order) instead of
    // the ones a folder holds.
    std::vector<std::string> compose_files;
    bool no_compose = false;  // --no-compose: the server runs on the host from source
};

// The variables Compose interpolates from the project folder's .env file.
using ComposeVariables = std::map<std::string, std::string>;

// A docker-compose file.
struct ComposeFile {
    std::string path;
    Node tree;
    ComposeVariables variables;  // of the .env beside the project's first file
};

// What `docker compose` starts from one set of files: the default file plus its override,
// an alternative file alone, or the files of --compose, merged in order.
struct ComposeProject {
    std::string label;  // the files' names joined by " + "
    std::vector<ComposeFile> files;
};

// A value of data/.config.yaml that the reference ignores in management-API mode.
struct IgnoredValue {
    std::string key;  // a server.* leaf, or a top-level key
    Position pos;
};

// Management-API mode (PROTOCOL.md §2): data/.config.yaml sets manager-api.url, so the
// reference reads neither config.yaml nor any local key but a few.
struct ManagementApiMode {
    bool active = false;
    std::vector<IgnoredValue> ignored;  // local keys the reference does not read
};

struct Loaded {
    std::vector<Layer> layers;  // in precedence order
    // The compose projects a folder describes: the default one first, then every
    // alternative file alone; empty when the server runs on the host.
    std::vector<ComposeProject> compose;
    // True when an input is a xiaozhi-server folder or a .yaml/.yml file (the
    // python runtime is then the default for the analysis).
    bool python_layout = false;
    // True when a file layer sets manager-api.url: the remote layer is then the
    // management API's and the server section stays local.
    bool remote_is_management_api = false;
    ManagementApiMode management_api;  // of a xiaozhi-server folder
    // Firmware images in the folder's data/bin (<model>_<version>.bin), by file name.
    std::vector<std::string> firmware_files;
    Effective effective;
};

// A folder contributes config.yaml, then data/.config.yaml when present (in
// management-API mode only the keys of data/.config.yaml the reference reads), its
// compose projects and its data/bin firmware names; a folder with neither config
// file is an InputError. Throws InputError for every unreadable or invalid input.
Loaded load(const LoadOptions& options);

// `loaded` with its remote layer replaced by `remote` (put at its place in the
// precedence order), or removed when `remote` is nullopt, and merged again.
Loaded with_remote_layer(Loaded loaded, std::optional<Layer> remote);

// The config file(s) `xiaozhi <cmd>` would use when run with no path in `dir`:
// config.yaml (folder layout) or xiaozhi.toml / xiaozhi.yaml / xiaozhi.json; empty if none.
std::vector<std::string> discover_inputs(const std::string& dir);

}  // namespace xiaozhi::config
