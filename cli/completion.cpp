// `xiaozhi completion`: the hidden subcommand the build uses to write completions/.
#include "completion.hpp"

#include <iostream>

#include "completion_model.hpp"
#include "console.hpp"
#include "exit_codes.hpp"
#include "option_values.hpp"

namespace xiaozhi::cli {

CLI::App* add_completion(CLI::App& app, CompletionOptions& options) {
    CLI::App* command = app.add_subcommand("completion", "Print the completion script for a shell");
    command->group("");
    command->footer("Example:\n  xiaozhi completion bash > /etc/bash_completion.d/xiaozhi");
    add_choice_option(*command, "shell", options.shell, "SHELL", {"bash", "zsh", "fish"},
                      "The shell to complete for: bash, zsh or fish")
        ->required();
    return command;
}

int run_completion(const CompletionOptions& options, CLI::App& root) {
    const CompletionModel model = describe_for_completion(root);
    if (options.shell == "bash") {
        write_bash_completion(std::cout, model);
    } else if (options.shell == "zsh") {
        write_zsh_completion(std::cout, model);
    } else {
        write_fish_completion(std::cout, model);
    }
    return flush_stdout() ? exit_ok : exit_runtime;
}

}  // namespace xiaozhi::cli
