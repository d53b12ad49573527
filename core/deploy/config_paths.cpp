// Where serve resolves relative configured paths: the configuration folder.
#include <filesystem>

#include "deploy/model.hpp"

namespace xiaozhi::deploy {

std::string resolve_config_path(const std::string& base_dir, const std::string& path) {
    const std::filesystem::path value(path);
    if (value.is_absolute() || base_dir.empty()) return value.lexically_normal().string();
    return (std::filesystem::path(base_dir) / value).lexically_normal().string();
}

std::string config_base_dir(const config::Loaded& loaded) {
    for (const config::Layer& layer : loaded.layers) {
        if (layer.kind != config::LayerKind::file) continue;
        const std::filesystem::path file(layer.source);
        std::filesystem::path folder = file.parent_path();
        if (file.filename() == ".config.yaml" && folder.filename() == "data") {
            folder = folder.parent_path();
        }
        return folder.string();
    }
    return {};
}

}  // namespace xiaozhi::deploy
