// What a shell needs to know to complete xiaozhi, read from the CLI11 definitions.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace xiaozhi::cli {

struct CompletionOption {
    std::vector<std::string> long_names;   // without the leading "--"
    std::vector<std::string> short_names;  // without the leading "-"
    bool takes_value = false;
    bool repeatable = false;
    std::vector<std::string> choices;  // fixed values, empty when free
    bool completes_paths = false;      // the value is a file or folder
    std::string description;           // short, one line

    // "--format", "-f": every spelling on a command line.
    std::vector<std::string> spellings() const;
};

struct CompletionCommand {
    std::string name;
    std::string description;
    std::vector<CompletionOption> options;
    bool takes_paths = false;  // positional arguments are files or folders
};

struct CompletionModel {
    std::string program;
    std::vector<CompletionOption> options;    // of the program itself
    std::vector<CompletionCommand> commands;  // visible subcommands only
};

// Walks `app`: its options and every subcommand that --help shows.
CompletionModel describe_for_completion(CLI::App& app);

// The generators; each writes a complete script.
void write_bash_completion(std::ostream& out, const CompletionModel& model);
void write_zsh_completion(std::ostream& out, const CompletionModel& model);
void write_fish_completion(std::ostream& out, const CompletionModel& model);

}  // namespace xiaozhi::cli
