// compose.port-mismatch for mappings and compose.port-conflict: the ports compose publishes.
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

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

// An empty host address publishes on every address of both families.
bool host_addresses_overlap(const deploy::PublishedPort& a, const deploy::PublishedPort& b,
                            bool v6only) {
    if (a.host_address.empty() || b.host_address.empty()) return true;
    return deploy::bind_addresses_overlap(a.host_address, b.host_address, v6only);
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
    std::vector<std::size_t> order(published.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&published](std::size_t a, std::size_t b) {
        return std::pair(published[a].transport, published[a].host_port) <
               std::pair(published[b].transport, published[b].host_port);
    });
    PortSuggester suggester(inputs.model, inputs.host);
    std::size_t start = 0;
    while (start < order.size()) {
        std::size_t end = start + 1;
        const deploy::PublishedPort& head = published[order[start]];
        while (end < order.size() && published[order[end]].transport == head.transport &&
               published[order[end]].host_port == head.host_port) {
            ++end;
        }
        for (std::size_t j = start + 1; j < end; ++j) {
            const deploy::PublishedPort& later = published[order[j]];
            for (std::size_t i = start; i < j; ++i) {
                const deploy::PublishedPort& earlier = published[order[i]];
                if (!host_addresses_overlap(earlier, later, inputs.host.bindv6only)) continue;
                Finding finding =
                    make_finding("compose.port-conflict", Severity::error,
                                 "host port " + std::to_string(later.host_port) + "/" +
                                     std::string(deploy::transport_name(later.transport)) +
                                     " is published twice: " + mapping_text(later) + " and " +
                                     mapping_text(earlier),
                                 "services." + later.service + ".ports", later.origin,
                                 suggester.suggestion(later.host_port, later.transport));
                finding.related.push_back(earlier.origin);
                out.push_back(std::move(finding));
                break;
            }
        }
        start = end;
    }
}

}  // namespace

void check_compose_ports(const Inputs& inputs, Findings& out) {
    check_container_ports(inputs, out);
    check_conflicts(inputs, out);
}

}  // namespace xiaozhi::analysis
