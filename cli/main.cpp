// The xiaozhi command line: builds the CLI11 app, runs the chosen subcommand, maps exit codes.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "check_ports.hpp"
#include "completion.hpp"
#include "config/input_error.hpp"
#include "diff_config.hpp"
#include "exit_codes.hpp"
#include "input_error_output.hpp"
#include "ota_push.hpp"
#include "serve.hpp"
#include "simulate_device.hpp"

namespace {

using namespace xiaozhi::cli;

constexpr const char* footer =
    "Run `xiaozhi <command> --help` for a command's options, or see xiaozhi(1).\n\n"
    "Examples:\n"
    "  xiaozhi serve\n"
    "  xiaozhi check-ports ./xiaozhi-server\n"
    "  xiaozhi diff-config config.yaml xiaozhi.toml\n"
    "  xiaozhi ota-push --server http://10.0.0.2:8003 --set server.port=8100\n"
    "Exit status: 0 ok, 1 findings or differences, 2 usage or input error, 3 runtime failure.";

// A message as one line: CLI11 and exceptions may carry line breaks.
std::string one_line(std::string text) {
    for (char& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

int run(int argc, char** argv) {
    CLI::App app{"Check and serve xiaozhi voice-device deployments", "xiaozhi"};
    app.footer(footer);
    app.set_help_flag("-h,--help", "Print this help and exit");
    app.set_version_flag("--version", "xiaozhi " XIAOZHI_VERSION,
                         "Print the version (xiaozhi " XIAOZHI_VERSION ") and exit");
    app.require_subcommand(1);

    CheckPortsOptions check_ports_options;
    DiffConfigOptions diff_config_options;
    CompletionOptions completion_options;
    ServeOptions serve_options;
    OtaPushOptions ota_push_options;
    SimulateDeviceOptions simulate_device_options;
    CLI::App* serve = add_serve(app, serve_options);
    CLI::App* check_ports = add_check_ports(app, check_ports_options);
    CLI::App* diff_config = add_diff_config(app, diff_config_options);
    CLI::App* ota_push = add_ota_push(app, ota_push_options);
    CLI::App* simulate_device = add_simulate_device(app, simulate_device_options);
    CLI::App* completion = add_completion(app, completion_options);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
            return app.exit(error);
        }
        std::cerr << "xiaozhi: " << one_line(error.what()) << '\n'
                  << "Run with --help for more information.\n";
        return exit_usage;
    }

    try {
        if (serve->parsed()) return run_serve(serve_options);
        if (check_ports->parsed()) return run_check_ports(check_ports_options);
        if (diff_config->parsed()) return run_diff_config(diff_config_options);
        if (ota_push->parsed()) return run_ota_push(ota_push_options);
        if (simulate_device->parsed()) return run_simulate_device(simulate_device_options);
        if (completion->parsed()) return run_completion(completion_options, app);
    } catch (const xiaozhi::config::InputError& error) {
        std::cerr << one_line(error.what()) << '\n';
        if (check_ports->parsed()) write_check_ports_input_error(check_ports_options, error);
        if (diff_config->parsed()) write_diff_config_input_error(diff_config_options, error);
        return exit_usage;
    }
    return exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        std::cerr << "xiaozhi: " << one_line(error.what()) << '\n';
    } catch (...) {
        std::cerr << "xiaozhi: unexpected error\n";
    }
    return exit_runtime;
}
