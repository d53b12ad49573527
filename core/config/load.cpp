// load(): command-line inputs (files, folders, remote, environment, --set) to layers and the merge.
#include "config/load.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

#include "config/input_error.hpp"
#include "config/parse.hpp"

namespace xiaozhi::config {

namespace {

namespace fs = std::filesystem;

bool exists_as_file(const fs::path& path) {
    std::error_code error;
    return fs::is_regular_file(path, error);
}

bool is_yaml_path(const std::string& path) {
    const std::string extension = fs::path(path).extension().string();
    return extension == ".yaml" || extension == ".yml";
}

// Docker Compose's default file names and its overrides, in the order it looks for them
// (compose-go, cli/options.go: DefaultFileNames, DefaultOverrideFileNames).
constexpr const char* default_compose_names[] = {"compose.yaml", "compose.yml",
                                                 "docker-compose.yml", "docker-compose.yaml"};
constexpr const char* override_compose_names[] = {"compose.override.yml", "compose.override.yaml",
                                                  "docker-compose.override.yml",
                                                  "docker-compose.override.yaml"};

bool is_compose_name(const std::string& name) {
    const bool yaml_suffix = name.ends_with(".yml") || name.ends_with(".yaml");
    return yaml_suffix && name.find("compose") != std::string::npos;
}

std::string unquoted(std::string value) {
    const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
    value.erase(value.begin(), std::find_if(value.begin(), value.end(), not_space));
    value.erase(std::find_if(value.rbegin(), value.rend(), not_space).base(), value.end());
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
        return value.substr(1, value.size() - 2);
    }
    if (const std::size_t comment = value.find(" #"); comment != std::string::npos) {
        return unquoted(value.substr(0, comment));
    }
    return value;
}

// Compose's .env beside the project: NAME=VALUE lines, # comments, optional quotes and
// "export ". Compose also reads the shell's environment; a check is made without it.
ComposeVariables dotenv_variables(const fs::path& dir) {
    ComposeVariables variables;
    std::ifstream in(dir / ".env");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("export ")) line.erase(0, 7);
        const std::size_t equals = line.find('=');
        if (equals == std::string::npos || line.starts_with('#')) continue;
        std::string name = unquoted(line.substr(0, equals));
        if (!name.empty()) variables[name] = unquoted(line.substr(equals + 1));
    }
    return variables;
}

ComposeFile read_compose(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    return ComposeFile{path, parse_file(path), dotenv_variables(parent.empty() ? "." : parent)};
}

// The first of `names` that is a file in `dir`, or "".
std::string first_existing(const fs::path& dir, const auto& names) {
    for (const char* name : names) {
        if (exists_as_file(dir / name)) return name;
    }
    return "";
}

// The default project (`docker compose up` without -f) and each alternative file alone.
std::vector<ComposeProject> compose_projects_in(const std::string& dir) {
    const fs::path root(dir);
    std::vector<ComposeProject> projects;
    const std::string base = first_existing(root, default_compose_names);
    const std::string override_name = first_existing(root, override_compose_names);
    if (!base.empty()) {
        ComposeProject project{base, {read_compose((root / base).string())}};
        if (!override_name.empty()) {
            project.label += " + " + override_name;
            project.files.push_back(read_compose((root / override_name).string()));
        }
        projects.push_back(std::move(project));
    }
    std::vector<std::string> alternatives;
    std::error_code error;
    for (const auto& item : fs::directory_iterator(dir, error)) {
        const std::string name = item.path().filename().string();
        if (name == base || name == override_name) continue;
        if (is_compose_name(name) && exists_as_file(item.path())) alternatives.push_back(name);
    }
    std::sort(alternatives.begin(), alternatives.end());
    for (const auto& name : alternatives) {
        projects.push_back(ComposeProject{name, {read_compose((root / name).string())}});
    }
    return projects;
}

ComposeProject named_project(const std::vector<std::string>& paths) {
    ComposeProject project;
    for (const auto& path : paths) {
        if (!exists_as_file(path)) {
            throw InputError(Position{path, 0, 0}, "no such compose file: " + path);
        }
        project.label += (project.label.empty() ? "" : " + ") + fs::path(path).filename().string();
        project.files.push_back(read_compose(path));
    }
    return project;
}

// The reference's firmware naming rule (ota_handler.py): <model>_<version>.bin where the
// version starts with a digit and holds letters, digits, '.', '-' and '_'.
bool is_firmware_image_name(std::string_view name) {
    if (!name.ends_with(".bin")) return false;
    const std::string_view stem = name.substr(0, name.size() - 4);
    const auto version_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
    };
    for (std::size_t i = 1; i + 1 < stem.size(); ++i) {
        if (stem[i] != '_' || std::isdigit(static_cast<unsigned char>(stem[i + 1])) == 0) continue;
        const std::string_view version = stem.substr(i + 1);
        if (std::all_of(version.begin(), version.end(), version_char)) return true;
    }
    return false;
}

std::vector<std::string> firmware_files_in(const fs::path& bin_dir) {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& item : fs::directory_iterator(bin_dir, error)) {
        const std::string name = item.path().filename().string();
        if (is_firmware_image_name(name) && exists_as_file(item.path())) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool sets_management_api(const Layer& layer) {
    const Node* url = layer.tree.find(Path{"manager-api", "url"});
    return url != nullptr && url->kind == Kind::string && !url->text.empty();
}

bool is_read_in_management_api_mode(const std::string& dotted) {
    const auto& local = management_api_local_keys();
    return std::find(local.begin(), local.end(), dotted) != local.end();
}

// Moves the leaves of `server` that the reference does not read into `ignored`.
void keep_local_server_keys(Node& server, const std::string& prefix,
                            std::vector<IgnoredValue>& ignored) {
    std::vector<std::string> dropped;
    for (auto& [name, value] : server.entries) {
        const std::string dotted = prefix + "." + name;
        if (is_read_in_management_api_mode(dotted)) continue;
        if (value.is_map() && !value.entries.empty()) {
            keep_local_server_keys(value, dotted, ignored);
            if (!value.entries.empty()) continue;
        } else {
            ignored.push_back(IgnoredValue{dotted, value.pos});
        }
        dropped.push_back(name);
    }
    for (const auto& name : dropped) server.erase(name);
}

// data/.config.yaml as the reference reads it when it sets manager-api.url
// (config_loader.get_config_from_api_async): manager-api, prompt_template and five
// server keys; everything else is recorded in `ignored`.
Layer management_api_local_layer(Layer layer, std::vector<IgnoredValue>& ignored) {
    std::vector<std::string> dropped;
    for (auto& [name, value] : layer.tree.entries) {
        if (name == "manager-api" || name == "prompt_template") continue;
        if (name == "server" && value.is_map()) {
            keep_local_server_keys(value, name, ignored);
            continue;
        }
        ignored.push_back(IgnoredValue{name, value.pos});
        dropped.push_back(name);
    }
    for (const auto& name : dropped) layer.tree.erase(name);
    return layer;
}

void add_folder(const std::string& dir, const LoadOptions& options, Loaded& loaded) {
    const fs::path root(dir);
    if (exists_as_file(root / "config.yaml")) {
        loaded.python_layout = true;
        const fs::path local = root / "data" / ".config.yaml";
        std::optional<Layer> local_layer;
        if (exists_as_file(local)) local_layer = file_layer(local.string());
        if (local_layer && sets_management_api(*local_layer)) {
            loaded.management_api.active = true;
            loaded.layers.push_back(
                management_api_local_layer(std::move(*local_layer), loaded.management_api.ignored));
        } else {
            loaded.layers.push_back(file_layer((root / "config.yaml").string()));
            if (local_layer) loaded.layers.push_back(std::move(*local_layer));
        }
        loaded.firmware_files = firmware_files_in(root / "data" / "bin");
    } else {
        const std::vector<std::string> inputs = discover_inputs(dir);
        if (inputs.empty()) {
            throw InputError(Position{dir, 0, 0}, "no config.yaml or xiaozhi.toml in " + dir);
        }
        for (const auto& path : inputs) {
            if (is_yaml_path(path)) loaded.python_layout = true;
            loaded.layers.push_back(file_layer(path));
        }
    }
    if (options.no_compose || !options.compose_files.empty()) return;
    for (auto& project : compose_projects_in(dir)) loaded.compose.push_back(std::move(project));
}

}  // namespace

std::vector<std::string> discover_inputs(const std::string& dir) {
    const fs::path root(dir);
    if (exists_as_file(root / "config.yaml")) return {dir};
    for (const char* name : {"xiaozhi.toml", "xiaozhi.yaml", "xiaozhi.json"}) {
        if (exists_as_file(root / name)) return {(root / name).string()};
    }
    return {};
}

Loaded load(const LoadOptions& options) {
    Loaded loaded;
    if (options.with_defaults) loaded.layers.push_back(defaults_layer());
    bool file_sets_management_api = false;
    for (const auto& path : options.paths) {
        std::error_code error;
        if (fs::is_directory(path, error)) {
            add_folder(path, options, loaded);
        } else {
            if (is_yaml_path(path)) loaded.python_layout = true;
            loaded.layers.push_back(file_layer(path));
            file_sets_management_api |= sets_management_api(loaded.layers.back());
        }
    }
    if (!options.compose_files.empty() && !options.no_compose) {
        loaded.compose.push_back(named_project(options.compose_files));
    }
    loaded.remote_is_management_api = loaded.management_api.active || file_sets_management_api;
    if (options.remote_file) {
        loaded.layers.push_back(
            remote_layer(*options.remote_file, loaded.remote_is_management_api));
    }
    Layer environment = environment_layer(options.environment);
    if (!environment.tree.entries.empty()) loaded.layers.push_back(std::move(environment));
    Layer assignments = command_line_layer(options.assignments);
    if (!assignments.tree.entries.empty()) loaded.layers.push_back(std::move(assignments));
    loaded.effective = Effective::merge(loaded.layers);
    return loaded;
}

Loaded with_remote_layer(Loaded loaded, std::optional<Layer> remote) {
    auto& layers = loaded.layers;
    std::erase_if(layers, [](const Layer& layer) { return layer.kind == LayerKind::remote; });
    if (remote) {
        const auto after = std::find_if(layers.begin(), layers.end(), [](const Layer& layer) {
            return layer.kind > LayerKind::remote;
        });
        layers.insert(after, std::move(*remote));
    }
    loaded.effective = Effective::merge(layers);
    return loaded;
}

}  // namespace xiaozhi::config
