// Choice and path options: registered so that validation, help and completion agree.
#include "option_values.hpp"

namespace xiaozhi::cli {

namespace {

constexpr const char* choices_validator = "choices";

// "{text,json}" -> {"text", "json"}: the description CLI11 gives an IsMember validator.
std::vector<std::string> split_set_description(const std::string& description) {
    std::vector<std::string> values;
    if (description.size() < 2 || description.front() != '{' || description.back() != '}') {
        return values;
    }
    std::string current;
    for (char c : description.substr(1, description.size() - 2)) {
        if (c == ',') {
            values.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) values.push_back(current);
    return values;
}

}  // namespace

CLI::Option* add_choice_option(CLI::App& command, const std::string& name, std::string& value,
                               const std::string& type, const std::vector<std::string>& choices,
                               const std::string& help) {
    return command.add_option(name, value, help)
        ->type_name(type)
        ->check(CLI::IsMember(choices).name(choices_validator));
}

std::vector<std::string> choices_of(CLI::Option& option) {
    try {
        const CLI::Validator* validator = option.get_validator(choices_validator);
        if (validator->get_name() != choices_validator) return {};
        return split_set_description(validator->get_description());
    } catch (const CLI::OptionNotFound&) {
        return {};
    }
}

CLI::Option* takes_file(CLI::Option* option) {
    return option->type_name("FILE");
}

CLI::Option* takes_path(CLI::Option* option) {
    return option->type_name("PATH");
}

void add_tls_trust_options(CLI::App& command, std::string& ca_file, bool& insecure) {
    CLI::Option* ca = takes_file(command.add_option(
        "--ca", ca_file,
        "Trust the CA certificates in FILE (PEM) for https:// and wss:// instead of the system "
        "trust store (default: the system trust store)"));
    command
        .add_flag("--insecure", insecure,
                  "Do not verify TLS certificates (issuer, dates, host name); a warning says so "
                  "(default: verify)")
        ->excludes(ca);
}

bool completes_paths(const CLI::Option& option) {
    const std::string type = option.get_type_name();
    return type == "FILE" || type == "PATH";
}

}  // namespace xiaozhi::cli
