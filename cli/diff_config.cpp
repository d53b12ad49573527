// `xiaozhi diff-config`: options, the A/B diff, --check and --layers.
#include "diff_config.hpp"

#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "config/diff.hpp"
#include "config/load.hpp"
#include "console.hpp"
#include "exit_codes.hpp"
#include "finding_changes.hpp"
#include "option_values.hpp"
#include "report/config_report.hpp"
#include "report/format.hpp"

namespace xiaozhi::cli {

namespace {

constexpr const char* description =
    "Compare two configurations key by key, or show where each effective value comes from";

constexpr const char* footer =
    "A and B may be files of any syntax (YAML, TOML, JSON) or xiaozhi-server folders; each side\n"
    "is read from its own files only (no built-in defaults, no environment, no --set).\n\n"
    "Examples:\n"
    "  xiaozhi diff-config config.yaml xiaozhi.toml\n"
    "  xiaozhi diff-config --check --only server old-server/ new-server/\n"
    "  xiaozhi diff-config --layers . --set server.port=8100\n"
    "Exit status: 0 same (or --layers), 1 different or B introduces an error with --check,\n"
    "2 usage or input error, 3 runtime failure.";

report::Format format_of(const DiffConfigOptions& options) {
    return options.format == "json" ? report::Format::json : report::Format::text;
}

bool color_for(const DiffConfigOptions& options) {
    return format_of(options) == report::Format::text && stdout_wants_color();
}

// One side of the comparison: its own files, no defaults, no environment, no --set.
config::Loaded load_side(const std::string& path, bool with_defaults) {
    config::LoadOptions load;
    load.paths = {path};
    load.with_defaults = with_defaults;
    return config::load(load);
}

int run_layers(const DiffConfigOptions& options) {
    ConfigInputs inputs = options.inputs;
    if (inputs.paths.empty()) {
        inputs.paths = discover_in_current_dir("diff-config");
        if (inputs.paths.empty()) return exit_usage;
    }
    const config::Loaded loaded = config::load(load_options(inputs, true));
    report::write_layers(std::cout, format_of(options), loaded.effective, {options.show_secrets},
                         color_for(options));
    return flush_stdout() ? exit_ok : exit_runtime;
}

// Both documents of a --check run as one JSON object: the diff's fields and the findings'.
void write_merged_json(std::ostream& out, const std::string& diff_json,
                       const std::string& findings_json) {
    nlohmann::json merged = nlohmann::json::parse(diff_json);
    const nlohmann::json findings = nlohmann::json::parse(findings_json);
    for (const auto& [key, value] : findings.items()) merged[key] = value;
    out << merged.dump(2) << '\n';
}

int run_diff(const DiffConfigOptions& options) {
    const std::vector<std::string>& paths = options.inputs.paths;
    if (paths.size() != 2) {
        return usage_error("diff-config",
                           "give two configurations to compare (A B), or --layers PATH ... to "
                           "show one; got " +
                               std::to_string(paths.size()));
    }
    const config::Loaded before = load_side(paths[0], false);
    const config::Loaded after = load_side(paths[1], false);
    config::DiffOptions diff_options;
    diff_options.ignore = options.ignore;
    diff_options.only = options.only;
    diff_options.ignore_order = options.ignore_order;
    const std::vector<config::DiffEntry> diff =
        config::diff(before.effective, after.effective, diff_options);

    const report::Format format = format_of(options);
    const bool color = color_for(options);
    bool introduces_error = false;
    if (!options.check) {
        report::write_diff(std::cout, format, diff, {options.show_secrets}, color);
    } else {
        const FindingChanges changes =
            compare_findings(load_side(paths[0], true), load_side(paths[1], true), options.runtime);
        introduces_error = changes.introduces_error();
        std::ostringstream diff_text;
        std::ostringstream changes_text;
        report::write_diff(diff_text, format, diff, {options.show_secrets}, color);
        report::write_finding_changes(changes_text, format, changes.introduced, changes.resolved,
                                      color);
        if (format == report::Format::json) {
            write_merged_json(std::cout, diff_text.str(), changes_text.str());
        } else {
            std::cout << diff_text.str() << '\n' << changes_text.str();
        }
    }
    if (!flush_stdout()) return exit_runtime;
    return diff.empty() && !introduces_error ? exit_ok : exit_findings;
}

}  // namespace

CLI::App* add_diff_config(CLI::App& app, DiffConfigOptions& options) {
    CLI::App* command = app.add_subcommand("diff-config", description);
    command->footer(footer);
    takes_path(command->add_option(
        "paths", options.inputs.paths,
        "A and B, the configurations to compare; with --layers, the files or folders to show, "
        "lowest precedence first (default with --layers: the config of the current folder)"));
    CLI::Option* layers = command->add_flag(
        "--layers", options.layers,
        "Show the effective configuration of PATH ..., one line per value with the layer and "
        "file:line:col that set it and the values it overrode; built-in defaults, --remote, "
        "XIAOZHI_* variables and --set apply (default: off, compare A and B)");
    CLI::Option* check = command->add_flag(
        "--check", options.check,
        "Also run the check-ports rules on both sides (with built-in defaults, without probing "
        "the host) and list the findings B introduces and resolves; exit 1 when B introduces "
        "an error (default: off)");
    add_runtime_option(*command, options.runtime)->needs(check);
    CLI::Option* ignore =
        command->add_option("--ignore", options.ignore,
                            "Leave KEY and everything under it out of the comparison, e.g. "
                            "--ignore server.auth; repeatable (default: none)");
    CLI::Option* only = command->add_option(
        "--only", options.only,
        "Compare only KEY and everything under it; repeatable (default: every key)");
    CLI::Option* ignore_order = command->add_flag(
        "--ignore-order", options.ignore_order,
        "Compare lists as multisets: the same items in another order are no difference "
        "(default: order matters)");
    for (CLI::Option* key_option : {ignore, only}) {
        key_option->type_name("KEY")->allow_extra_args(false);
    }
    command->add_flag("--show-secrets", options.show_secrets,
                      "Print secret values (keys named secret, token, password, api_key, or "
                      "ending in _key, _secret, _token) instead of *** (default: masked)");
    add_choice_option(*command, "--format", options.format, "FORMAT", {"text", "json"},
                      "Output format: text or json (default: text)");
    const LayerOptions layer_options = add_layer_options(*command, options.inputs);
    layer_options.set->needs(layers);
    layer_options.remote->needs(layers);
    layers->excludes(check)->excludes(ignore)->excludes(only)->excludes(ignore_order);
    return command;
}

int run_diff_config(const DiffConfigOptions& options) {
    return options.layers ? run_layers(options) : run_diff(options);
}

}  // namespace xiaozhi::cli
