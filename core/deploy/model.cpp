// Building the deployment model (listeners, advertised URLs, published ports) from a configuration.
#include "deploy/model.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "deploy/compose_project.hpp"
#include "deploy/ip_address.hpp"
#include "deploy/tls_model.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::deploy {

namespace {

using config::Kind;
using config::Node;

constexpr int manager_api_default_port = 8002;

// The port a key sets, when it is an integer in 1..65535; for the python runtime also
// a string of digits, which the reference reads with int().
std::optional<int> valid_port(const config::Effective& effective, std::string_view key,
                              Runtime runtime) {
    const Node* node = effective.get(key);
    if (!node) return std::nullopt;
    if (runtime == Runtime::python && node->kind == Kind::string) {
        std::optional<int> port = port_in_text(node->text);
        if (port) return port;
    }
    if (node->kind != Kind::integer || node->integer < 1 || node->integer > 65535) {
        return std::nullopt;
    }
    return static_cast<int>(node->integer);
}

// The text of a scalar as the server would use it; nullopt for null, lists and maps.
std::optional<std::string> scalar_text(const config::Effective& effective, std::string_view key) {
    const Node* node = effective.get(key);
    if (!node || !node->is_scalar() || node->kind == Kind::null) return std::nullopt;
    if (node->kind == Kind::string || !node->text.empty()) return node->text;
    return node->render();
}

std::string bind_address(const config::Effective& effective) {
    return scalar_text(effective, "server.ip").value_or("0.0.0.0");
}

Listener make_listener(const config::Effective& effective, std::string service, std::string address,
                       int port, std::string key) {
    Listener listener;
    listener.service = std::move(service);
    listener.address = std::move(address);
    listener.port = port;
    listener.origin = effective.origin_of(key);
    listener.key = std::move(key);
    return listener;
}

bool same_host(std::string_view a, std::string_view b) {
    std::optional<IpAddress> ip_a = parse_ip(a);
    std::optional<IpAddress> ip_b = parse_ip(b);
    if (ip_a && ip_b) return ip_a->unmapped() == ip_b->unmapped();
    return a == b;
}

// The management API's listener when manager-api.url points at this machine.
std::optional<Listener> manager_api_listener(const config::Effective& effective) {
    std::optional<std::string> text = scalar_text(effective, "manager-api.url");
    if (!text || text->empty()) return std::nullopt;
    std::optional<Url> url = parse_url(*text);
    if (!url) return std::nullopt;
    bool local = is_loopback(url->host) || is_unspecified(url->host) ||
                 same_host(url->host, bind_address(effective));
    if (!local) return std::nullopt;
    int port = url->explicit_port ? url->port : manager_api_default_port;
    // The management API (Spring Boot) binds every address.
    return make_listener(effective, "manager-api", "0.0.0.0", port, "manager-api.url");
}

void add_listeners(const config::Effective& effective, Runtime runtime, Model& model) {
    std::string address = bind_address(effective);
    std::optional<int> websocket = valid_port(effective, "server.port", runtime);
    std::optional<int> http = valid_port(effective, "server.http_port", runtime);
    if (runtime == Runtime::xiaozhi && websocket && http && *websocket == *http) {
        model.listeners.push_back(
            make_listener(effective, "http+websocket", address, *websocket, "server.port"));
        return;
    }
    if (websocket) {
        model.listeners.push_back(
            make_listener(effective, "websocket", address, *websocket, "server.port"));
    }
    if (http) {
        model.listeners.push_back(
            make_listener(effective, "http", address, *http, "server.http_port"));
    }
    if (runtime == Runtime::python) {
        if (std::optional<Listener> manager = manager_api_listener(effective)) {
            model.listeners.push_back(std::move(*manager));
        }
    }
}

bool derives(UrlKind kind, const std::string& text, const config::Origin& origin, Runtime runtime) {
    if (runtime == Runtime::python) {
        const bool own_url = kind == UrlKind::websocket || kind == UrlKind::vision;
        return own_url && origin.layer != "remote" && is_derived_template(text, runtime);
    }
    const bool device_url =
        kind == UrlKind::websocket || kind == UrlKind::vision || kind == UrlKind::ota;
    return device_url && is_derived_template(text, runtime);
}

void add_advertised(const config::Effective& effective, UrlKind kind, std::string key,
                    bool may_be_list, Model& model) {
    std::optional<std::string> text = scalar_text(effective, key);
    if (!text) return;
    config::Origin origin = effective.origin_of(key);
    // The reference's own OTA endpoint hands a local value out whole; only the management
    // API splits a ';' list (and Java's split drops trailing empty entries).
    const bool split = model.runtime == Runtime::xiaozhi || origin.layer == "remote";
    if (!may_be_list || !split || text->find(';') == std::string::npos) {
        const bool derived = derives(kind, *text, origin, model.runtime);
        model.advertised.push_back(AdvertisedUrl{kind, *text, key, -1, 1, origin, derived});
        return;
    }
    std::vector<std::string> entries;
    std::size_t start = 0;
    while (true) {
        std::size_t separator = text->find(';', start);
        entries.push_back(text->substr(start, separator - start));
        if (separator == std::string::npos) break;
        start = separator + 1;
    }
    if (model.runtime == Runtime::python) {
        while (entries.size() > 1 && entries.back().empty()) entries.pop_back();
    }
    int size = static_cast<int>(entries.size());
    for (int i = 0; i < size; ++i) {
        std::string& entry = entries[static_cast<std::size_t>(i)];
        const bool derived = derives(kind, entry, origin, model.runtime);
        model.advertised.push_back(
            AdvertisedUrl{kind, std::move(entry), key, i, size, origin, derived});
    }
}

}  // namespace

std::string_view runtime_name(Runtime runtime) {
    return runtime == Runtime::xiaozhi ? "xiaozhi" : "python";
}

std::string_view url_kind_name(UrlKind kind) {
    switch (kind) {
        case UrlKind::websocket:
            return "websocket";
        case UrlKind::vision:
            return "vision";
        case UrlKind::ota:
            return "ota";
        case UrlKind::mqtt_gateway:
            return "mqtt";
        case UrlKind::udp_gateway:
            return "udp";
    }
    return "websocket";
}

std::optional<int> port_in_text(std::string_view text) {
    if (text.empty() || text.size() > 5) return std::nullopt;
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) return std::nullopt;
    return value;
}

bool is_derived_template(std::string_view text, Runtime runtime) {
    if (runtime == Runtime::xiaozhi) return is_placeholder(text);
    return text.find("你的") != std::string_view::npos;
}

Model build_model(const config::Effective& effective, const config::ComposeProject* project,
                  Runtime runtime, const std::string& base_dir) {
    Model model;
    model.runtime = runtime;
    add_listeners(effective, runtime, model);
    if (runtime == Runtime::xiaozhi) add_tls(effective, base_dir, model);
    add_advertised(effective, UrlKind::websocket, "server.websocket", true, model);
    add_advertised(effective, UrlKind::vision, "server.vision_explain", false, model);
    add_advertised(effective, UrlKind::ota, "server.ota", false, model);
    add_advertised(effective, UrlKind::mqtt_gateway, "server.mqtt_gateway", false, model);
    add_advertised(effective, UrlKind::udp_gateway, "server.udp_gateway", false, model);
    if (!project) return model;
    model.deployment = project->label;
    std::vector<std::string> other_plain_services;
    std::vector<ComposeService> services = project_services(*project);
    // serve in a container of its own: it is the server, a reference server beside it is
    // a conversation server it relays to.
    const bool serve_runs_here =
        runtime == Runtime::xiaozhi && std::any_of(services.begin(), services.end(),
                                                   [](const ComposeService& s) { return s.serve; });
    if (serve_runs_here) {
        for (ComposeService& service : services) {
            service.server = service.serve;
            service.image_config = false;
            for (PublishedPort& port : service.ports) port.server = service.serve;
        }
    }
    for (ComposeService& service : services) {
        if (service.server && model.server_service.empty()) {
            model.server_service = service.name;
            model.placement = service.host_network ? Placement::host_network : Placement::bridge;
            model.image_config = service.image_config;
        } else {
            (service.server ? model.other_services : other_plain_services).push_back(service.name);
        }
        if (service.host_network) continue;
        model.published.insert(model.published.end(), service.ports.begin(), service.ports.end());
    }
    model.other_services.insert(model.other_services.end(), other_plain_services.begin(),
                                other_plain_services.end());
    return model;
}

std::vector<Model> build_models(const config::Loaded& loaded, Runtime runtime) {
    std::vector<Model> models;
    const std::string base_dir = config_base_dir(loaded);
    if (loaded.compose.empty()) {
        models.push_back(build_model(loaded.effective, nullptr, runtime, base_dir));
    }
    for (const config::ComposeProject& project : loaded.compose) {
        models.push_back(build_model(loaded.effective, &project, runtime, base_dir));
    }
    const bool remote_loaded = std::any_of(
        loaded.layers.begin(), loaded.layers.end(),
        [](const config::Layer& layer) { return layer.kind == config::LayerKind::remote; });
    for (Model& model : models) {
        model.management_api = loaded.management_api.active;
        model.remote_loaded = remote_loaded;
        model.ignored = loaded.management_api.ignored;
        model.firmware_files = loaded.firmware_files;
    }
    return models;
}

}  // namespace xiaozhi::deploy
