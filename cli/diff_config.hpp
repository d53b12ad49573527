// `xiaozhi diff-config`: semantic diff of two configurations, or the layers of one.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "config_inputs.hpp"

namespace xiaozhi::cli {

struct DiffConfigOptions {
    ConfigInputs inputs;  // paths: A and B, or with --layers the inputs to show
    std::vector<std::string> ignore;
    std::vector<std::string> only;
    bool ignore_order = false;
    bool show_secrets = false;
    bool layers = false;
    bool check = false;
    std::string format = "text";
    std::string runtime;  // for --check; empty: decided by the layout of each side
};

// Registers the subcommand and its options on `app`.
CLI::App* add_diff_config(CLI::App& app, DiffConfigOptions& options);

// Runs the diff (or --layers); returns the exit code. Throws config::InputError.
int run_diff_config(const DiffConfigOptions& options);

}  // namespace xiaozhi::cli
