// The nearest port a listener could move to: free in the deployment and on the host.
#include "analysis/port_suggester.hpp"

namespace xiaozhi::analysis {

namespace {

constexpr int max_port = 65535;

bool in_port_range(int port) {
    return port >= 1 && port <= max_port;
}

}  // namespace

PortSuggester::PortSuggester(const deploy::Model& model, const host::Snapshot& host)
    : host_(host), used_tcp_(max_port + 1, false), used_udp_(max_port + 1, false) {
    for (const auto& listener : model.listeners) {
        if (in_port_range(listener.port)) used(listener.transport)[listener.port] = true;
    }
    for (const auto& mapping : model.published) {
        if (in_port_range(mapping.host_port)) used(mapping.transport)[mapping.host_port] = true;
    }
    if (host.probed) {
        for (const auto& socket : host.sockets) {
            if (in_port_range(socket.port)) used(socket.transport)[socket.port] = true;
        }
    }
}

std::vector<bool>& PortSuggester::used(deploy::Transport transport) {
    return transport == deploy::Transport::udp ? used_udp_ : used_tcp_;
}

const std::vector<bool>& PortSuggester::used(deploy::Transport transport) const {
    return transport == deploy::Transport::udp ? used_udp_ : used_tcp_;
}

bool PortSuggester::acceptable(int port, deploy::Transport transport) const {
    if (!in_port_range(port) || used(transport)[port]) return false;
    if (port >= host_.ephemeral_low && port <= host_.ephemeral_high) return false;
    return host_.can_bind_privileged || port >= host_.unprivileged_port_start;
}

std::optional<int> PortSuggester::nearest_free(int port, deploy::Transport transport) const {
    for (int distance = 1; distance < max_port; ++distance) {
        if (acceptable(port + distance, transport)) return port + distance;
        if (acceptable(port - distance, transport)) return port - distance;
    }
    return std::nullopt;
}

std::string PortSuggester::suggestion(int port, deploy::Transport transport) const {
    auto free_port = nearest_free(port, transport);
    if (!free_port) return {};
    return "use port " + std::to_string(*free_port) +
           (host_.probed ? " (free in the deployment and on this host)"
                         : " (free in the deployment; this host was not probed)");
}

}  // namespace xiaozhi::analysis
