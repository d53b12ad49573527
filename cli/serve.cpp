// `xiaozhi serve`: options, where the configuration comes from, logging, and the server itself.
#include "serve.hpp"

#include <filesystem>
#include <iostream>

#include "exit_codes.hpp"
#include "logging.hpp"
#include "option_values.hpp"
#include "server_app.hpp"

namespace xiaozhi::cli {

namespace {

constexpr const char* description =
    "Serve xiaozhi devices: WebSocket sessions, OTA answers, firmware downloads, admin API";

constexpr const char* footer =
    "Runs on built-in defaults when no config is given and none is in the current folder\n"
    "(WebSocket on 8000, HTTP on 8003). Before binding it runs the same checks as\n"
    "check-ports against this machine and refuses to start on an error.\n"
    "SIGHUP reloads the files (a rejected reload changes nothing); SIGTERM stops cleanly.\n\n"
    "Examples:\n"
    "  xiaozhi serve                                   # defaults, or ./config.yaml / "
    "./xiaozhi.toml\n"
    "  xiaozhi serve ./xiaozhi-server                  # a reference server folder\n"
    "  xiaozhi serve xiaozhi.toml --set server.port_fallback=next\n"
    "Exit status: 0 clean stop, 1 configuration refused, 2 usage or input error, "
    "3 runtime failure (a port cannot be bound).";

// Where relative server.state_dir and server.firmware_dir resolve: the folder of the first
// input (the folder itself for a xiaozhi-server folder), else the current folder.
std::string base_dir_of(const std::vector<std::string>& paths) {
    if (paths.empty()) return {};
    std::error_code error;
    const std::filesystem::path first(paths.front());
    if (std::filesystem::is_directory(first, error)) return first.string();
    return first.parent_path().string();
}

}  // namespace

CLI::App* add_serve(CLI::App& app, ServeOptions& options) {
    CLI::App* command = app.add_subcommand("serve", description);
    command->footer(footer);
    takes_path(command->add_option(
        "paths", options.inputs.paths,
        "Config files (YAML, TOML, JSON) or xiaozhi-server folders, lowest precedence first "
        "(default: config.yaml, xiaozhi.toml, xiaozhi.yaml or xiaozhi.json in the current "
        "folder, else built-in defaults)"));
    add_layer_options(*command, options.inputs);
    add_choice_option(*command, "--log-format", options.log_format, "FORMAT",
                      {"auto", "text", "json"},
                      "Log lines as text or JSON; auto is text on a terminal, JSON otherwise "
                      "(default: auto)");
    add_choice_option(*command, "--log-level", options.log_level, "LEVEL",
                      {"trace", "debug", "info", "warn", "error"},
                      "Least severe log level written (default: info)");
    command
        ->add_option("--threads", options.threads,
                     "Threads serving connections (default: one per core)")
        ->check(CLI::Range(0, 256))
        ->type_name("N");
    command->add_flag("--no-probe", options.no_probe,
                      "Do not look at this machine's sockets before binding; a taken port is "
                      "then found only by the bind (default: probe /proc)");
    return command;
}

int run_serve(const ServeOptions& options) {
    const server::LogSetup logs =
        server::configure_logging(server::parse_log_format(options.log_format), options.log_level);
    ConfigInputs inputs = options.inputs;
    if (inputs.paths.empty()) {
        std::error_code error;
        const auto here = std::filesystem::current_path(error);
        if (!error) inputs.paths = config::discover_inputs(here.string());
    }
    // serve itself runs on this host: a folder's compose files describe other set-ups.
    inputs.no_compose = true;
    server::ServeOptions serve;
    serve.load = load_options(inputs, true);
    serve.base_dir = base_dir_of(inputs.paths);
    serve.probe = !options.no_probe;
    serve.threads = options.threads;
    serve.banner = !logs.json && !logs.journal;
    return server::run_serve(serve);
}

}  // namespace xiaozhi::cli
