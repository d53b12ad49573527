// Facts the rules share: which listener serves what, compose reach, this machine or not.
#include "analysis/deployment_view.hpp"

#include <algorithm>
#include <cctype>

#include "analysis/tls_view.hpp"
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
        if (is_tls_port_listener(listener)) continue;
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
    std::vector<const deploy::PublishedPort*> mappings;
    for (const auto& mapping : model.published) {
        if (mapping.server) mappings.push_back(&mapping);
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

std::vector<int> reach_ports(const deploy::Model& model, const deploy::Listener* listener) {
    if (!listener) return {};
    std::vector<int> ports;
    for (const auto* mapping : mappings_to(server_mappings(model), listener->port)) {
        ports.push_back(mapping->host_port);
    }
    if (ports.empty()) ports.push_back(listener->port);
    return ports;
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

std::string derived_address(const Inputs& inputs) {
    if (inputs.model.placement == deploy::Placement::bridge) return "<the container's address>";
    const host::Snapshot& host = inputs.host;
    if (host.probed && !host.default_route_address.empty()) return host.default_route_address;
    if (host.probed) return derived_host(host);
    return "<this host's default-route address>";
}

std::string derived_url(deploy::UrlKind kind, const Inputs& inputs, const std::string& host) {
    ServiceListeners listeners = service_listeners(inputs.model);
    auto port_of = [](const deploy::Listener* listener, const char* key) {
        return listener ? std::to_string(listener->port) : std::string("<") + key + ">";
    };
    auto tls = [](const deploy::Listener* listener) { return listener && listener->tls; };
    if (kind == deploy::UrlKind::websocket) {
        return (tls(listeners.websocket) ? "wss://" : "ws://") + host + ":" +
               port_of(listeners.websocket, "server.port") + "/xiaozhi/v1/";
    }
    std::string base = (tls(listeners.http) ? "https://" : "http://") + host + ":" +
                       port_of(listeners.http, "server.http_port");
    return base + (kind == deploy::UrlKind::vision ? "/mcp/vision/explain" : "/xiaozhi/ota/");
}

bool is_unsplit_list(const deploy::AdvertisedUrl& url, const Inputs& inputs) {
    return inputs.model.runtime == deploy::Runtime::python && url.index < 0 &&
           url.kind == deploy::UrlKind::websocket && url.text.find(';') != std::string::npos;
}

bool in_management_console(const deploy::AdvertisedUrl& url, const Inputs& inputs) {
    return inputs.model.management_api && url.origin.layer == "remote";
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
