// Option wiring shared by the subcommands that read a configuration.
#include "config_inputs.hpp"

#include <filesystem>

#include "console.hpp"
#include "option_values.hpp"

extern char** environ;

namespace xiaozhi::cli {

LayerOptions add_layer_options(CLI::App& command, ConfigInputs& inputs) {
    LayerOptions options;
    options.set = command.add_option(
        "--set", inputs.assignments,
        "Set one configuration value above every other layer, e.g. --set server.port=8100; "
        "repeatable, later ones win (default: none)");
    options.set->type_name("KEY=VALUE")->allow_extra_args(false);
    options.remote = takes_file(command.add_option(
        "--remote", inputs.remote_file,
        "Read the remote layer (management API or admin API export) from FILE; when a local file "
        "sets manager-api.url, the server section stays local (default: none)"));
    return options;
}

void add_compose_options(CLI::App& command, ConfigInputs& inputs) {
    CLI::Option* compose = takes_file(command.add_option(
        "--compose", inputs.compose_files,
        "Check the compose project of FILE (repeatable: files merged in order, as docker "
        "compose -f) instead of the projects the folder holds (default: the folder's default "
        "project, compose.yaml ... docker-compose.yml plus its override, and each other "
        "*compose*.yml alone)"));
    compose->type_name("FILE")->allow_extra_args(false);
    command
        .add_flag("--no-compose", inputs.no_compose,
                  "Ignore compose files: check the folder as a server run on the host from "
                  "source (default: check the folder's compose projects)")
        ->excludes(compose);
}

CLI::Option* add_runtime_option(CLI::App& command, std::string& runtime) {
    return add_choice_option(
        command, "--runtime", runtime, "RUNTIME", {"python", "xiaozhi"},
        "Which server runs the configuration: python (WebSocket and HTTP are two listeners) or "
        "xiaozhi (equal ports share one listener) (default: python for a folder or .yaml file, "
        "xiaozhi otherwise)");
}

std::vector<std::string> process_environment() {
    std::vector<std::string> variables;
    for (char** variable = environ; variable != nullptr && *variable != nullptr; ++variable) {
        variables.emplace_back(*variable);
    }
    return variables;
}

config::LoadOptions load_options(const ConfigInputs& inputs, bool with_defaults) {
    config::LoadOptions options;
    options.paths = inputs.paths;
    if (!inputs.remote_file.empty()) options.remote_file = inputs.remote_file;
    options.environment = process_environment();
    options.assignments = inputs.assignments;
    options.with_defaults = with_defaults;
    options.compose_files = inputs.compose_files;
    options.no_compose = inputs.no_compose;
    return options;
}

std::vector<std::string> discover_in_current_dir(const std::string& command) {
    std::error_code error;
    const std::filesystem::path dir = std::filesystem::current_path(error);
    if (error) {
        usage_error(command, "cannot read the current folder: " + error.message());
        return {};
    }
    std::vector<std::string> found = config::discover_inputs(dir.string());
    if (found.empty()) {
        usage_error(command,
                    "nothing to check: no config.yaml, xiaozhi.toml, xiaozhi.yaml or "
                    "xiaozhi.json in " +
                        dir.string() + "; give a file or a folder");
    }
    return found;
}

}  // namespace xiaozhi::cli
