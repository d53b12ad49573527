// port.privileged, port.ephemeral, port.in-use, port.held-by-self: listeners vs the host.
#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/port_suggester.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

using SocketIndex = std::unordered_map<std::uint32_t, std::vector<const host::Socket*>>;

std::uint32_t socket_key(deploy::Transport transport, int port) {
    return static_cast<std::uint32_t>(port) * 2u + (transport == deploy::Transport::udp ? 1u : 0u);
}

SocketIndex index_sockets(const host::Snapshot& host) {
    SocketIndex index;
    for (const auto& socket : host.sockets) {
        index[socket_key(socket.transport, socket.port)].push_back(&socket);
    }
    return index;
}

const host::Instance* instance_with_pid(const host::Snapshot& host, int pid) {
    if (pid == 0) return nullptr;
    auto it = std::find_if(host.instances.begin(), host.instances.end(),
                           [pid](const host::Instance& instance) { return instance.pid == pid; });
    return it == host.instances.end() ? nullptr : &*it;
}

std::string holder_text(const host::Socket& socket) {
    if (socket.pid == 0) return "another user's process";
    std::string text = "pid " + std::to_string(socket.pid);
    if (!socket.command.empty()) text += " (" + socket.command + ")";
    return text;
}

std::string listener_subject(const deploy::Listener& listener) {
    return "the " + listener.service + " listener " + socket_text(listener.address, listener.port) +
           " (" + listener.key + ", " + listener.origin.to_string() + ")";
}

void check_range(const Inputs& inputs, const deploy::Listener& listener,
                 const PortSuggester& suggester, Findings& out) {
    const host::Snapshot& host = inputs.host;
    std::string port = std::to_string(listener.port);
    if (listener.port < host.unprivileged_port_start && !host.can_bind_privileged) {
        out.push_back(make_finding("port.privileged", Severity::warning,
                                   "port " + port + " of " + listener_subject(listener) +
                                       " is below this host's unprivileged port start " +
                                       std::to_string(host.unprivileged_port_start) +
                                       " and the process may not bind privileged ports",
                                   listener.key, listener.origin,
                                   suggester.suggestion(listener.port, listener.transport)));
    }
    if (listener.port >= host.ephemeral_low && listener.port <= host.ephemeral_high) {
        out.push_back(make_finding("port.ephemeral", Severity::warning,
                                   "port " + port + " of " + listener_subject(listener) +
                                       " is inside this host's ephemeral range " +
                                       std::to_string(host.ephemeral_low) + "-" +
                                       std::to_string(host.ephemeral_high) +
                                       ", where an outgoing connection may take it first",
                                   listener.key, listener.origin,
                                   suggester.suggestion(listener.port, listener.transport)));
    }
}

void check_holders(const Inputs& inputs, const deploy::Listener& listener, const SocketIndex& index,
                   const PortSuggester& suggester, Findings& out) {
    auto it = index.find(socket_key(listener.transport, listener.port));
    if (it == index.end()) return;
    std::vector<int> reported_pids;
    for (const host::Socket* socket : it->second) {
        if (!deploy::bind_addresses_overlap(listener.address, socket->address,
                                            inputs.host.bindv6only)) {
            continue;
        }
        if (std::find(reported_pids.begin(), reported_pids.end(), socket->pid) !=
            reported_pids.end()) {
            continue;
        }
        reported_pids.push_back(socket->pid);
        std::string port =
            transport_label(listener.transport) + " port " + std::to_string(listener.port);
        if (const host::Instance* instance = instance_with_pid(inputs.host, socket->pid)) {
            out.push_back(make_finding("port.held-by-self", Severity::info,
                                       port + " is held by the running xiaozhi serve, pid " +
                                           std::to_string(instance->pid) + " (state dir " +
                                           instance->state_dir + "), for " +
                                           listener_subject(listener),
                                       listener.key, listener.origin));
            continue;
        }
        out.push_back(make_finding("port.in-use", Severity::error,
                                   port + " is held by " + holder_text(*socket) + " on " +
                                       socket_text(socket->address, socket->port) + ", but " +
                                       listener_subject(listener) + " needs it",
                                   listener.key, listener.origin,
                                   suggester.suggestion(listener.port, listener.transport)));
    }
}

// Docker's own proxy holds the published ports of running containers: that is the
// project itself (or a process we cannot see, pid 0), not a conflict to report.
bool held_by_docker(const host::Socket& socket) {
    return socket.pid == 0 || socket.command.find("docker-proxy") != std::string::npos;
}

// In a bridge container the server binds inside its network namespace; on the host the
// ports compose publishes are the ones that must be free.
void check_published_holders(const Inputs& inputs, const SocketIndex& index,
                             const PortSuggester& suggester, Findings& out) {
    for (const auto& mapping : inputs.model.published) {
        if (mapping.host_port == 0) continue;
        auto it = index.find(socket_key(mapping.transport, mapping.host_port));
        if (it == index.end()) continue;
        const std::string address = mapping.host_address.empty() ? "0.0.0.0" : mapping.host_address;
        for (const host::Socket* socket : it->second) {
            if (held_by_docker(*socket) ||
                !deploy::bind_addresses_overlap(address, socket->address, inputs.host.bindv6only)) {
                continue;
            }
            out.push_back(make_finding(
                "port.in-use", Severity::error,
                transport_label(mapping.transport) + " port " + std::to_string(mapping.host_port) +
                    " is held by " + holder_text(*socket) + " on " +
                    socket_text(socket->address, socket->port) + ", but service " +
                    mapping.service + " publishes it (" + mapping.origin.to_string() + ")",
                "services." + mapping.service + ".ports", mapping.origin,
                suggester.suggestion(mapping.host_port, mapping.transport)));
            break;
        }
    }
}

}  // namespace

void check_host_ports(const Inputs& inputs, Findings& out) {
    if (!inputs.host.probed) return;
    PortSuggester suggester(inputs.model, inputs.host);
    SocketIndex index = index_sockets(inputs.host);
    if (inputs.model.placement == deploy::Placement::bridge) {
        check_published_holders(inputs, index, suggester, out);
        return;
    }
    for (const auto& listener : inputs.model.listeners) {
        // The management API is a separate program: holding its port is its job.
        if (listener.service == "manager-api") continue;
        check_range(inputs, listener, suggester, out);
        check_holders(inputs, listener, index, suggester, out);
    }
}

}  // namespace xiaozhi::analysis
