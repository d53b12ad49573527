// What an option's value may be (one of fixed choices, or a path), shared by option wiring and
// completion.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace xiaozhi::cli {

// Adds `--name TYPE` whose value must be one of `choices`; help shows "TYPE:{a,b}".
CLI::Option* add_choice_option(CLI::App& command, const std::string& name, std::string& value,
                               const std::string& type, const std::vector<std::string>& choices,
                               const std::string& help);

// The choices an option was registered with by add_choice_option; empty for any other option.
std::vector<std::string> choices_of(CLI::Option& option);

// Marks an option's value as a file or folder path (help shows FILE or PATH; shells complete
// paths).
CLI::Option* takes_file(CLI::Option* option);
CLI::Option* takes_path(CLI::Option* option);
bool completes_paths(const CLI::Option& option);

// --ca FILE and --insecure (which exclude each other): how https:// and wss:// peers are trusted.
void add_tls_trust_options(CLI::App& command, std::string& ca_file, bool& insecure);

}  // namespace xiaozhi::cli
