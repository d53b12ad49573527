// A compose project's files merged into services; which service is the xiaozhi server.
#include "deploy/compose_project.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>

#include "config/input_error.hpp"
#include "deploy/compose.hpp"

namespace xiaozhi::deploy {

namespace {

using config::Kind;
using config::Node;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string interpolated(const Node& node, const config::ComposeVariables& variables) {
    return interpolate(node.text, variables).value_or(node.text);
}

bool image_is_server(std::string image) {
    image = lower(image.substr(0, image.find('@')));
    const std::size_t slash = image.rfind('/');
    std::string repository = image.substr(slash == std::string::npos ? 0 : slash + 1);
    std::string tag;
    if (const std::size_t colon = repository.find(':'); colon != std::string::npos) {
        tag = repository.substr(colon + 1);
        repository.resize(colon);
    }
    if (tag.starts_with("web") || repository.find("xiaozhi") == std::string::npos) return false;
    if (repository == "xiaozhi-esp32-server" || tag.starts_with("server")) return true;
    // A fork's own image: xiaozhi-server, my-xiaozhi-server, but not its web or gateway.
    for (const char* other : {"web", "manager", "mqtt", "gateway"}) {
        if (repository.find(other) != std::string::npos) return false;
    }
    return repository.find("server") != std::string::npos;
}

bool image_is_management(const Node& service, const config::ComposeVariables& variables) {
    const Node* image = service.find("image");
    if (!image || image->kind != Kind::string) return false;
    const std::string text = lower(interpolated(*image, variables));
    const std::size_t colon = text.rfind(':');
    return colon != std::string::npos && text.find('/', colon) == std::string::npos &&
           text.substr(colon + 1).starts_with("web");
}

bool is_data_folder(std::string source) {
    while (source.size() > 1 && source.back() == '/') source.pop_back();
    return source == "./data" || source == "data";
}

bool volume_is_server_data(const Node& volume, const config::ComposeVariables& variables) {
    std::string source;
    std::string target;
    if (volume.kind == Kind::string) {
        const std::string text = interpolated(volume, variables);
        const std::size_t colon = text.find(':');
        if (colon == std::string::npos) return false;
        source = text.substr(0, colon);
        target = text.substr(colon + 1);
        target = target.substr(0, target.find(':'));
    } else if (volume.is_map()) {
        if (const Node* value = volume.find("source")) source = interpolated(*value, variables);
        if (const Node* value = volume.find("target")) target = interpolated(*value, variables);
    }
    while (target.size() > 1 && target.back() == '/') target.pop_back();
    return is_data_folder(source) || target.starts_with("/opt/xiaozhi-esp32-server/data");
}

bool mentions(const Node& node, std::string_view text) {
    if (node.kind == Kind::string) return node.text.find(text) != std::string::npos;
    if (node.kind == Kind::list) {
        return std::any_of(node.items.begin(), node.items.end(),
                           [text](const Node& item) { return mentions(item, text); });
    }
    return false;
}

bool built_from_server_dockerfile(const Node& build) {
    const Node* dockerfile = build.is_map() ? build.find("dockerfile") : nullptr;
    return dockerfile && mentions(*dockerfile, "Dockerfile-server");
}

bool is_upstream_server_image(std::string image) {
    image = lower(image.substr(0, image.find('@')));
    const std::size_t slash = image.rfind('/');
    const std::string last = image.substr(slash == std::string::npos ? 0 : slash + 1);
    return last == "xiaozhi-esp32-server" || last.starts_with("xiaozhi-esp32-server:server");
}

bool mounts_config_file(const Node& volume, const config::ComposeVariables& variables) {
    std::string target;
    if (volume.kind == Kind::string) {
        const std::string text = interpolated(volume, variables);
        const std::size_t colon = text.find(':');
        if (colon == std::string::npos) return false;
        target = text.substr(colon + 1);
        target = target.substr(0, target.find(':'));
    } else if (const Node* value = volume.is_map() ? volume.find("target") : nullptr) {
        target = interpolated(*value, variables);
    }
    return target == "/opt/xiaozhi-esp32-server/config.yaml" ||
           target == "/opt/xiaozhi-esp32-server" || target == "/opt/xiaozhi-esp32-server/";
}

// The release image brings main/xiaozhi-server's config.yaml; upstream's compose files
// mount only ./data, so the folder's config.yaml is not what the container reads.
bool runs_image_config(const Node& service, const config::ComposeVariables& variables) {
    if (service.find("build")) return false;
    const Node* image = service.find("image");
    if (!image || image->kind != Kind::string ||
        !is_upstream_server_image(interpolated(*image, variables))) {
        return false;
    }
    const Node* volumes = service.find("volumes");
    if (!volumes || volumes->kind != Kind::list) return true;
    return std::none_of(
        volumes->items.begin(), volumes->items.end(),
        [&variables](const Node& volume) { return mounts_config_file(volume, variables); });
}

// What makes two mappings the same: host address, host port, container port and protocol.
using MappingKey = std::tuple<std::string, int, int, Transport>;

MappingKey mapping_key(const PublishedPort& port) {
    return {port.host_address, port.host_port, port.container_port, port.transport};
}

struct MergedService {
    Node definition = Node::map_at({});
    std::vector<PublishedPort> ports;
    // The keys of `ports`: a range of thousands of ports merges in n log n, not n squared.
    std::set<MappingKey> mappings;
    config::Origin origin;
};

void merge_definition(MergedService& merged, const std::string& name, const Node& service,
                      const config::ComposeFile& file) {
    for (const auto& [key, value] : service.entries) {
        if (key == "ports") {
            std::vector<PublishedPort> ports;
            read_service_ports(name, value, file, ports);
            for (auto& port : ports) {
                if (merged.mappings.insert(mapping_key(port)).second) {
                    merged.ports.push_back(std::move(port));
                }
            }
        } else if (key == "volumes" && value.kind == Kind::list) {
            Node* volumes = merged.definition.find("volumes");
            if (!volumes) volumes = &merged.definition.set("volumes", Node::list_at(value.pos));
            volumes->items.insert(volumes->items.end(), value.items.begin(), value.items.end());
        } else {
            merged.definition.set(key, value);
        }
    }
}

}  // namespace

bool is_server_service(const Node& service, const config::ComposeVariables& variables) {
    if (!service.is_map() || image_is_management(service, variables)) return false;
    if (const Node* image = service.find("image");
        image && image->kind == Kind::string && image_is_server(interpolated(*image, variables))) {
        return true;
    }
    if (const Node* volumes = service.find("volumes"); volumes && volumes->kind == Kind::list) {
        if (std::any_of(volumes->items.begin(), volumes->items.end(),
                        [&variables](const Node& volume) {
                            return volume_is_server_data(volume, variables);
                        })) {
            return true;
        }
    }
    for (const char* key : {"command", "entrypoint"}) {
        if (const Node* value = service.find(key); value && mentions(*value, "app.py")) return true;
    }
    const Node* build = service.find("build");
    return build && built_from_server_dockerfile(*build);
}

bool is_serve_service(const Node& service, const config::ComposeVariables& variables) {
    if (!service.is_map()) return false;
    if (const Node* image = service.find("image"); image && image->kind == Kind::string) {
        std::string name = lower(interpolated(*image, variables));
        name = name.substr(0, name.find('@'));
        const std::size_t slash = name.rfind('/');
        const std::string repository = name.substr(slash == std::string::npos ? 0 : slash + 1);
        if (repository.starts_with("xiaozhi-serve") && !repository.starts_with("xiaozhi-server")) {
            return true;
        }
    }
    for (const char* key : {"command", "entrypoint"}) {
        const Node* value = service.find(key);
        if (!value) continue;
        if (value->kind == Kind::list && !value->items.empty()) {
            const Node& first = value->items.front();
            const bool named = first.kind == Kind::string &&
                               (first.text == "serve" ||
                                (first.text.ends_with("xiaozhi") && value->items.size() > 1 &&
                                 value->items[1].text == "serve"));
            if (named) return true;
        } else if (value->kind == Kind::string) {
            const std::string text = interpolated(*value, variables);
            if (text.starts_with("serve") || text.find("xiaozhi serve") != std::string::npos) {
                return true;
            }
        }
    }
    if (const Node* volumes = service.find("volumes"); volumes && volumes->kind == Kind::list) {
        return std::any_of(volumes->items.begin(), volumes->items.end(), [&](const Node& volume) {
            return volume.kind == Kind::string &&
                   interpolated(volume, variables).find("xiaozhi.toml") != std::string::npos;
        });
    }
    return false;
}

std::vector<ComposeService> project_services(const config::ComposeProject& project) {
    std::vector<std::string> order;
    std::vector<MergedService> merged;
    for (const config::ComposeFile& file : project.files) {
        const Node* services = file.tree.find("services");
        if (!services || services->kind == Kind::null) continue;
        if (!services->is_map()) {
            throw config::InputError(services->pos, "services: expected a map");
        }
        for (const auto& [name, service] : services->entries) {
            if (service.kind == Kind::null) continue;
            if (!service.is_map()) {
                throw config::InputError(service.pos, "services." + name + ": expected a map");
            }
            auto it = std::find(order.begin(), order.end(), name);
            if (it == order.end()) {
                order.push_back(name);
                merged.emplace_back();
                merged.back().origin.layer = "file";
                merged.back().origin.pos = service.pos;
                if (merged.back().origin.pos.file.empty())
                    merged.back().origin.pos.file = file.path;
                it = order.end() - 1;
            }
            merge_definition(merged[static_cast<std::size_t>(it - order.begin())], name, service,
                             file);
        }
    }
    const config::ComposeVariables no_variables;
    const config::ComposeVariables& variables =
        project.files.empty() ? no_variables : project.files.front().variables;
    std::vector<ComposeService> services;
    for (std::size_t i = 0; i < order.size(); ++i) {
        ComposeService service;
        service.name = order[i];
        service.server = is_server_service(merged[i].definition, variables);
        service.serve = is_serve_service(merged[i].definition, variables);
        service.image_config = service.server && runs_image_config(merged[i].definition, variables);
        const Node* network = merged[i].definition.find("network_mode");
        service.host_network =
            network && network->kind == Kind::string && interpolated(*network, variables) == "host";
        service.ports = std::move(merged[i].ports);
        for (auto& port : service.ports) port.server = service.server;
        service.origin = merged[i].origin;
        services.push_back(std::move(service));
    }
    return services;
}

}  // namespace xiaozhi::deploy
