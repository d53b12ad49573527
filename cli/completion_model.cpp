// Reads the CLI11 definitions into the plain description the completion generators use.
#include "completion_model.hpp"

#include <CLI/CLI.hpp>

#include "option_values.hpp"

namespace xiaozhi::cli {

namespace {

constexpr std::size_t max_description = 72;

// The text on one line.
std::string menu_line(std::string text) {
    for (char& c : text) {
        if (c == '\n' || c == '\t') c = ' ';
    }
    return text;
}

// An option's help up to its first parenthesis, clause or example, at most max_description
// characters cut at a word: what it does, in short.
std::string short_description(std::string text) {
    for (const char* end : {" (", "; ", ": ", ", "}) {
        const std::size_t at = text.find(end);
        if (at != std::string::npos) text.erase(at);
    }
    if (text.size() > max_description) {
        const std::size_t space = text.rfind(' ', max_description);
        text.erase(space == std::string::npos ? max_description : space);
    }
    return menu_line(text);
}

CompletionOption describe_option(CLI::Option& option) {
    CompletionOption described;
    described.long_names = option.get_lnames();
    described.short_names = option.get_snames();
    described.takes_value = option.get_expected_max() > 0;  // flags expect no value
    described.repeatable = option.get_expected_max() > 1;
    described.choices = choices_of(option);
    described.completes_paths = completes_paths(option);
    described.description = short_description(option.get_description());
    return described;
}

std::vector<CompletionOption> describe_named_options(CLI::App& app) {
    std::vector<CompletionOption> options;
    for (CLI::Option* option : app.get_options()) {
        if (option->nonpositional()) options.push_back(describe_option(*option));
    }
    return options;
}

}  // namespace

std::vector<std::string> CompletionOption::spellings() const {
    std::vector<std::string> names;
    for (const std::string& name : long_names) names.push_back("--" + name);
    for (const std::string& name : short_names) names.push_back("-" + name);
    return names;
}

CompletionModel describe_for_completion(CLI::App& app) {
    CompletionModel model;
    model.program = app.get_name();
    model.options = describe_named_options(app);
    for (CLI::App* sub :
         app.get_subcommands([](CLI::App* sub) { return !sub->get_group().empty(); })) {
        CompletionCommand command;
        command.name = sub->get_name();
        command.description = menu_line(sub->get_description());
        command.options = describe_named_options(*sub);
        for (CLI::Option* option : sub->get_options()) {
            if (option->get_positional() && completes_paths(*option)) command.takes_paths = true;
        }
        model.commands.push_back(std::move(command));
    }
    return model;
}

}  // namespace xiaozhi::cli
