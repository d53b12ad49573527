// load(): command-line inputs (files, folders, remote, environment, --set) to layers and the merge.
#include "config/load.hpp"

#include <algorithm>
#include <filesystem>
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

bool is_compose_name(const std::string& name) {
    const bool yaml_suffix =
        (name.size() > 4 && name.ends_with(".yml")) || (name.size() > 5 && name.ends_with(".yaml"));
    return yaml_suffix && (name.starts_with("docker-compose") || name.starts_with("compose"));
}

std::vector<ComposeFile> compose_files_in(const std::string& dir) {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& item : fs::directory_iterator(dir, error)) {
        const std::string name = item.path().filename().string();
        if (is_compose_name(name) && exists_as_file(item.path())) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    std::vector<ComposeFile> files;
    for (const auto& name : names) {
        const std::string path = (fs::path(dir) / name).string();
        files.push_back(ComposeFile{path, parse_file(path)});
    }
    return files;
}

bool sets_management_api(const Layer& layer) {
    const Node* url = layer.tree.find(Path{"manager-api", "url"});
    return url != nullptr && url->kind == Kind::string && !url->text.empty();
}

void add_folder(const std::string& dir, Loaded& loaded) {
    const fs::path root(dir);
    if (exists_as_file(root / "config.yaml")) {
        loaded.python_layout = true;
        loaded.layers.push_back(file_layer((root / "config.yaml").string()));
        const fs::path local = root / "data" / ".config.yaml";
        if (exists_as_file(local)) loaded.layers.push_back(file_layer(local.string()));
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
    for (auto& compose : compose_files_in(dir)) loaded.compose.push_back(std::move(compose));
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
    for (const auto& path : options.paths) {
        std::error_code error;
        if (fs::is_directory(path, error)) {
            add_folder(path, loaded);
        } else {
            if (is_yaml_path(path)) loaded.python_layout = true;
            loaded.layers.push_back(file_layer(path));
        }
    }
    loaded.remote_is_management_api =
        std::any_of(loaded.layers.begin(), loaded.layers.end(), [](const Layer& layer) {
            return layer.kind == LayerKind::file && sets_management_api(layer);
        });
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
