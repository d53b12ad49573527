// `xiaozhi serve`: the device-facing server (WebSocket, OTA, downloads, admin API, metrics).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "config_inputs.hpp"

namespace xiaozhi::cli {

struct ServeOptions {
    ConfigInputs inputs;
    std::string log_format = "auto";
    std::string log_level = "info";
    int threads = 0;
    bool no_probe = false;
};

// Registers the subcommand and its options on `app`.
CLI::App* add_serve(CLI::App& app, ServeOptions& options);

// Runs the server until SIGTERM/SIGINT; returns the exit code. Throws config::InputError.
int run_serve(const ServeOptions& options);

}  // namespace xiaozhi::cli
