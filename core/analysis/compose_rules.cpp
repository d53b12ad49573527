// compose.port-mismatch for mappings and compose.port-conflict: the ports compose publishes.
#include <string>
#include <utility>
#include <vector>

#include "analysis/bind_overlap.hpp"
#include "analysis/deployment_view.hpp"
#include "analysis/port_suggester.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

std::string mapping_text(const deploy::PublishedPort& mapping) {
    std::string text = mapping.service + " publishing ";
    if (!mapping.host_address.empty()) text += mapping.host_address + ":";
    return text + std::to_string(mapping.host_port) + ":" + std::to_string(mapping.container_port) +
           "/" + std::string(deploy::transport_name(mapping.transport)) + " (" +
           mapping.origin.to_string() + ")";
}

std::string listen_ports_text(const ServiceListeners& listeners) {
    std::string text;
    if (listeners.websocket) {
        text += std::to_string(listeners.websocket->port) + " (" + listeners.websocket->key + ")";
    }
    if (listeners.http && listeners.http != listeners.websocket) {
        text += (text.empty() ? "" : " and ") + std::to_string(listeners.http->port) + " (" +
                listeners.http->key + ")";
    }
    return text;
}

void check_container_ports(const Inputs& inputs, Findings& out) {
    ServiceListeners listeners = service_listeners(inputs.model);
    if (!listeners.websocket && !listeners.http) return;
    auto listens_on = [&listeners](int port) {
        return (listeners.websocket && listeners.websocket->port == port) ||
               (listeners.http && listeners.http->port == port);
    };
    std::string listen_ports = listen_ports_text(listeners);
    int suggested = listeners.websocket ? listeners.websocket->port : listeners.http->port;
    for (const auto* mapping : server_mappings(inputs.model)) {
        if (mapping->transport != deploy::Transport::tcp || listens_on(mapping->container_port)) {
            continue;
        }
        out.push_back(make_finding("compose.port-mismatch", Severity::error,
                                   mapping_text(*mapping) + " forwards to container port " +
                                       std::to_string(mapping->container_port) +
                                       ", where the server does not listen: it listens on " +
                                       listen_ports,
                                   "services." + mapping->service + ".ports", mapping->origin,
                                   "map " + std::to_string(mapping->host_port) + ":" +
                                       std::to_string(suggested) + " or change the listen port"));
    }
}

void check_conflicts(const Inputs& inputs, Findings& out) {
    const auto& published = inputs.model.published;
    PortSuggester suggester(inputs.model, inputs.host);
    auto groups = group_positions(published, [](const deploy::PublishedPort& mapping) {
        return std::pair(mapping.transport, mapping.host_port);
    });
    for (const auto& group : groups) {
        std::vector<std::string> addresses;
        for (std::size_t index : group) addresses.push_back(published[index].host_address);
        auto overlaps = earlier_overlaps(addresses, inputs.host.bindv6only);
        for (std::size_t j = 0; j < group.size(); ++j) {
            // Host port 0: Docker picks a free port for each mapping; they never collide.
            if (!overlaps[j].first || published[group[j]].host_port == 0) continue;
            const deploy::PublishedPort& later = published[group[j]];
            const deploy::PublishedPort& earlier = published[group[*overlaps[j].first]];
            Finding finding = make_finding(
                "compose.port-conflict", Severity::error,
                "host port " + std::to_string(later.host_port) + "/" +
                    std::string(deploy::transport_name(later.transport)) +
                    " is published twice: " + mapping_text(later) + " and " + mapping_text(earlier),
                "services." + later.service + ".ports", later.origin,
                suggester.suggestion(later.host_port, later.transport));
            finding.related.push_back(earlier.origin);
            out.push_back(std::move(finding));
        }
    }
}

// A server on the host's network (run from source, or network_mode: host) binds its
// ports on the host, where a service of the project may publish the same port.
void check_host_server_against_published(const Inputs& inputs, Findings& out) {
    if (inputs.model.placement == deploy::Placement::bridge) return;
    PortSuggester suggester(inputs.model, inputs.host);
    for (const auto& listener : inputs.model.listeners) {
        if (listener.service == "manager-api") continue;
        for (const auto& mapping : inputs.model.published) {
            if (mapping.transport != listener.transport || mapping.host_port != listener.port) {
                continue;
            }
            const std::string host_address =
                mapping.host_address.empty() ? "0.0.0.0" : mapping.host_address;
            if (!deploy::bind_addresses_overlap(host_address, listener.address,
                                                inputs.host.bindv6only)) {
                continue;
            }
            Finding finding = make_finding(
                "compose.port-conflict", Severity::error,
                "host port " + std::to_string(mapping.host_port) + " is published by " +
                    mapping_text(mapping) + " and " + service_label(listener) +
                    ", which runs on this host's network, listens on it (" + listener.key + ", " +
                    listener.origin.to_string() + ")",
                "services." + mapping.service + ".ports", mapping.origin,
                suggester.suggestion(mapping.host_port, mapping.transport));
            finding.related.push_back(listener.origin);
            out.push_back(std::move(finding));
        }
    }
}

}  // namespace

void check_compose_ports(const Inputs& inputs, Findings& out) {
    check_container_ports(inputs, out);
    check_conflicts(inputs, out);
    check_host_server_against_published(inputs, out);
}

}  // namespace xiaozhi::analysis
