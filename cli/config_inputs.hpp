// How a subcommand is told which configuration to read: paths, --set, --remote, the environment.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "config/load.hpp"

namespace xiaozhi::cli {

struct ConfigInputs {
    std::vector<std::string> paths;  // files or xiaozhi-server folders, lowest precedence first
    std::vector<std::string> assignments;    // --set key=value
    std::string remote_file;                 // --remote FILE; empty when not given
    std::vector<std::string> compose_files;  // --compose FILE..., in order
    bool no_compose = false;                 // --no-compose
};

struct LayerOptions {
    CLI::Option* set = nullptr;
    CLI::Option* remote = nullptr;
};

// Adds --set key=value (repeatable) and --remote FILE.
LayerOptions add_layer_options(CLI::App& command, ConfigInputs& inputs);

// Adds --compose FILE (repeatable) and --no-compose, which exclude each other.
void add_compose_options(CLI::App& command, ConfigInputs& inputs);

// Adds --runtime python|xiaozhi; `runtime` stays empty when the flag is not given.
CLI::Option* add_runtime_option(CLI::App& command, std::string& runtime);

// The process environment as "NAME=VALUE" strings (config::load reads only XIAOZHI_*).
std::vector<std::string> process_environment();

// Load options for `inputs` plus the process environment.
config::LoadOptions load_options(const ConfigInputs& inputs, bool with_defaults);

// The files or folders to read when none is given: what config::discover_inputs finds in the
// current folder. Empty (after a one-line message on standard error) when there is none.
std::vector<std::string> discover_in_current_dir(const std::string& command);

}  // namespace xiaozhi::cli
