// port.conflict and port.shared: listeners of the deployment that collide or share a socket.
#include <string>
#include <utility>
#include <vector>

#include "analysis/bind_overlap.hpp"
#include "analysis/port_suggester.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/tls_view.hpp"
#include "analysis/wording.hpp"

namespace xiaozhi::analysis {

namespace {

std::string listener_text(const deploy::Listener& listener) {
    return listener.service + " on " + socket_text(listener.address, listener.port) + " (" +
           listener.key + ", " + listener.origin.to_string() + ")";
}

bool reference_pair(const deploy::Model& model, const deploy::Listener& a,
                    const deploy::Listener& b) {
    if (model.runtime != deploy::Runtime::python) return false;
    return (a.service == "websocket" && b.service == "http") ||
           (a.service == "http" && b.service == "websocket");
}

// One finding per listener that overlaps earlier listeners of its (transport, port) group.
void report_group(const Inputs& inputs, const std::vector<std::size_t>& group,
                  const PortSuggester& suggester, Findings& out) {
    const auto& listeners = inputs.model.listeners;
    std::vector<std::string> addresses;
    for (std::size_t index : group) addresses.push_back(listeners[index].address);
    auto overlaps = earlier_overlaps(addresses, inputs.host.bindv6only);
    for (std::size_t j = 0; j < group.size(); ++j) {
        if (!overlaps[j].first) continue;
        const deploy::Listener& later = listeners[group[j]];
        const deploy::Listener& first = listeners[group[*overlaps[j].first]];
        std::string message =
            transport_label(later.transport) + " port " + std::to_string(later.port) +
            " is bound twice: " + listener_text(later) + " overlaps " + listener_text(first);
        if (overlaps[j].count > 1) {
            message += " and " + std::to_string(overlaps[j].count - 1) + " more";
        }
        if (reference_pair(inputs.model, later, first)) {
            message += "; the reference server always opens WebSocket and HTTP as two listeners";
        }
        Finding finding =
            make_finding("port.conflict", Severity::error, message, later.key, later.origin,
                         suggester.suggestion(later.port, later.transport));
        finding.related.push_back(first.origin);
        out.push_back(std::move(finding));
    }
}

}  // namespace

void check_listener_ports(const Inputs& inputs, Findings& out) {
    const auto& listeners = inputs.model.listeners;
    PortSuggester suggester(inputs.model, inputs.host);
    auto groups = group_positions(listeners, [](const deploy::Listener& listener) {
        return std::pair(listener.transport, listener.port);
    });
    for (const auto& group : groups) {
        if (group.size() > 1) report_group(inputs, group, suggester, out);
    }

    for (const auto& listener : listeners) {
        // The TLS listener of server.tls.port serves both by design, whatever the two ports.
        if (listener.service != "http+websocket" || is_tls_port_listener(listener)) continue;
        out.push_back(
            make_finding("port.shared", Severity::info,
                         "WebSocket and HTTP share one listener on " +
                             socket_text(listener.address, listener.port) + " (" + listener.key +
                             ", " + listener.origin.to_string() +
                             "): upgrade requests go to device sessions, everything else to HTTP",
                         listener.key, listener.origin));
    }
}

}  // namespace xiaozhi::analysis
