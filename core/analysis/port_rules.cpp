// port.conflict and port.shared: listeners of the deployment that collide or share a socket.
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "analysis/port_suggester.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"

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
    bool v6only = inputs.host.bindv6only;
    for (std::size_t j = 1; j < group.size(); ++j) {
        const deploy::Listener& later = listeners[group[j]];
        const deploy::Listener* first = nullptr;
        std::vector<config::Origin> related;
        for (std::size_t i = 0; i < j; ++i) {
            const deploy::Listener& earlier = listeners[group[i]];
            if (!deploy::bind_addresses_overlap(earlier.address, later.address, v6only)) continue;
            if (!first) first = &earlier;
            related.push_back(earlier.origin);
        }
        if (!first) continue;
        std::string message =
            transport_label(later.transport) + " port " + std::to_string(later.port) +
            " is bound twice: " + listener_text(later) + " overlaps " + listener_text(*first);
        if (related.size() > 1) {
            message += " and " + std::to_string(related.size() - 1) + " more";
        }
        if (reference_pair(inputs.model, later, *first)) {
            message += "; the reference server always opens WebSocket and HTTP as two listeners";
        }
        Finding finding =
            make_finding("port.conflict", Severity::error, message, later.key, later.origin,
                         suggester.suggestion(later.port, later.transport));
        finding.related = std::move(related);
        out.push_back(std::move(finding));
    }
}

}  // namespace

void check_listener_ports(const Inputs& inputs, Findings& out) {
    const auto& listeners = inputs.model.listeners;
    std::vector<std::size_t> order(listeners.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&listeners](std::size_t a, std::size_t b) {
        return std::pair(listeners[a].transport, listeners[a].port) <
               std::pair(listeners[b].transport, listeners[b].port);
    });

    PortSuggester suggester(inputs.model, inputs.host);
    std::vector<std::size_t> group;
    for (std::size_t k = 0; k < order.size(); ++k) {
        group.push_back(order[k]);
        bool group_ends = k + 1 == order.size() ||
                          listeners[order[k + 1]].transport != listeners[order[k]].transport ||
                          listeners[order[k + 1]].port != listeners[order[k]].port;
        if (!group_ends) continue;
        if (group.size() > 1) report_group(inputs, group, suggester, out);
        group.clear();
    }

    for (const auto& listener : listeners) {
        if (listener.service != "http+websocket") continue;
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
