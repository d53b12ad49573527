// Facts the rules share: which listener serves what, compose reach, this machine or not.
#include "analysis/deployment_view.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "deploy/url.hpp"

namespace xiaozhi::analysis {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

ServiceListeners service_listeners(const deploy::Model& model) {
    ServiceListeners found;
    for (const auto& listener : model.listeners) {
        if (listener.service == "http+websocket") {
            if (!found.websocket) found.websocket = &listener;
            if (!found.http) found.http = &listener;
        } else if (listener.service == "websocket") {
            if (!found.websocket) found.websocket = &listener;
        } else if (listener.service == "http") {
            if (!found.http) found.http = &listener;
        } else if (listener.service == "manager-api") {
            if (!found.manager_api) found.manager_api = &listener;
        }
    }
    return found;
}

std::string service_label(const deploy::Listener& listener) {
    if (listener.service == "websocket") return "the WebSocket server";
    if (listener.service == "http") return "the HTTP server (OTA, vision)";
    if (listener.service == "http+websocket") return "the shared WebSocket and HTTP listener";
    if (listener.service == "manager-api") return "the management API";
    return "the " + listener.service + " listener";
}

std::vector<const deploy::PublishedPort*> server_mappings(const deploy::Model& model) {
    ServiceListeners listeners = service_listeners(model);
    std::set<int> listen_ports;
    if (listeners.websocket) listen_ports.insert(listeners.websocket->port);
    if (listeners.http) listen_ports.insert(listeners.http->port);

    std::set<std::string> services;
    for (const auto& mapping : model.published) {
        std::string name = lower(mapping.service);
        bool named_like_server = (name.find("xiaozhi-esp32-server") != std::string::npos ||
                                  name.find("xiaozhi-server") != std::string::npos) &&
                                 name.find("web") == std::string::npos;
        bool publishes_listen_port = mapping.transport == deploy::Transport::tcp &&
                                     listen_ports.count(mapping.container_port) > 0;
        if (named_like_server || publishes_listen_port) services.insert(mapping.service);
    }
    std::vector<const deploy::PublishedPort*> mappings;
    for (const auto& mapping : model.published) {
        if (services.count(mapping.service) > 0) mappings.push_back(&mapping);
    }
    return mappings;
}

std::vector<const deploy::PublishedPort*> mappings_to(
    const std::vector<const deploy::PublishedPort*>& mappings, int container_port) {
    std::vector<const deploy::PublishedPort*> found;
    for (const auto* mapping : mappings) {
        if (mapping->transport == deploy::Transport::tcp &&
            mapping->container_port == container_port) {
            found.push_back(mapping);
        }
    }
    return found;
}

bool is_this_machine(std::string_view host, const Inputs& inputs) {
    if (deploy::is_loopback(host)) return true;
    auto server_ip = configured_string(inputs.effective, "server.ip");
    if (server_ip && !deploy::is_unspecified(*server_ip) && lower(*server_ip) == lower(host)) {
        return true;
    }
    if (inputs.host.probed) return inputs.host.is_local_address(std::string(host));
    return deploy::is_ip_literal(host);
}

std::string derived_host(const host::Snapshot& host) {
    if (host.probed) {
        const std::string* ipv6 = nullptr;
        for (const auto& address : host.addresses) {
            if (deploy::is_loopback(address) || deploy::is_unspecified(address)) continue;
            if (address.find(':') == std::string::npos) return address;
            if (!ipv6 && lower(address).rfind("fe80:", 0) != 0) ipv6 = &address;
        }
        if (ipv6) return "[" + *ipv6 + "]";
    }
    return "<this host's LAN address>";
}

std::optional<std::string> configured_string(const config::Effective& effective,
                                             std::string_view key) {
    auto value = effective.get_string(key);
    if (!value) return std::nullopt;
    bool blank = std::all_of(value->begin(), value->end(),
                             [](unsigned char c) { return std::isspace(c) != 0; });
    if (blank) return std::nullopt;
    return value;
}

bool manager_api_configured(const config::Effective& effective) {
    return configured_string(effective, "manager-api.url").has_value();
}

}  // namespace xiaozhi::analysis
