// `xiaozhi completion bash|zsh|fish` (hidden): print a shell completion script.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace xiaozhi::cli {

struct CompletionOptions {
    std::string shell;
};

// Registers the hidden subcommand on `app`.
CLI::App* add_completion(CLI::App& app, CompletionOptions& options);

// Writes the script for `options.shell`, describing every visible subcommand of `root`.
int run_completion(const CompletionOptions& options, CLI::App& root);

}  // namespace xiaozhi::cli
