// fleet.port-conflict, fleet.duplicate-url, fleet.revision-mismatch: this configuration against
// the other instances of its fleet as the registry lists them.
#include <algorithm>
#include <string>

#include "analysis/deployment_view.hpp"
#include "analysis/fleet_view.hpp"
#include "analysis/rule_families.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

std::string peer_text(const FleetPeer& peer, const FleetView& fleet) {
    return "fleet instance " + peer.id + " (" + fleet.source + ")";
}

void port_conflicts(const Inputs& inputs, const FleetView& fleet, const FleetPeer& peer,
                    Findings& out) {
    if (fleet.self_host.empty() || peer.host != fleet.self_host) return;
    for (const deploy::Listener& listener : inputs.model.listeners) {
        if (listener.transport != deploy::Transport::tcp || listener.port <= 0) continue;
        if (listener.service == "manager-api") continue;
        if (std::find(peer.ports.begin(), peer.ports.end(), listener.port) == peer.ports.end()) {
            continue;
        }
        if (!deploy::bind_addresses_overlap(listener.address, peer.address, false)) continue;
        Finding finding;
        finding.rule = "fleet.port-conflict";
        finding.severity = Severity::error;
        finding.key = listener.key;
        finding.origin = listener.origin;
        finding.message = "TCP port " + std::to_string(listener.port) + " of " +
                          service_label(listener) + " (" + listener.key + ", " +
                          listener.origin.to_string() + ") is bound by " + peer_text(peer, fleet) +
                          " on this host (" + peer.host + ", address " + peer.address + ")";
        finding.suggestion = "give every instance on one host its own " + listener.key +
                             " (and fleet.instance), or run it on another host";
        out.push_back(std::move(finding));
    }
}

void duplicate_urls(const Inputs& inputs, const FleetView& fleet, const FleetPeer& peer,
                    Findings& out) {
    if (peer.websocket_url.empty()) return;
    for (const deploy::AdvertisedUrl& url : inputs.model.advertised) {
        if (url.kind != deploy::UrlKind::websocket || url.derived) continue;
        if (url.text != peer.websocket_url) continue;
        Finding finding;
        finding.rule = "fleet.duplicate-url";
        finding.severity = Severity::error;
        finding.key = url.key;
        finding.origin = url.origin;
        finding.message = url.key + " \"" + url.text + "\" (" + url.origin.to_string() +
                          ") is what " + peer_text(peer, fleet) +
                          " advertises already: devices handed either address reach one "
                          "instance";
        finding.suggestion = "give each instance its own address in " + url.key +
                             ", or leave it unset so serve derives it";
        out.push_back(std::move(finding));
    }
}

void revision_mismatch(const FleetView& fleet, const FleetPeer& peer, Findings& out) {
    if (!fleet.remote_revision || peer.remote_revision.empty() ||
        peer.remote_revision == *fleet.remote_revision) {
        return;
    }
    Finding finding;
    finding.rule = "fleet.revision-mismatch";
    finding.severity = Severity::warning;
    finding.key = "fleet";
    finding.origin = config::Origin{"fleet", config::Position{fleet.source, 0, 0}};
    finding.message = peer_text(peer, fleet) + " runs remote revision " + peer.remote_revision +
                      ", not the fleet's current revision " + *fleet.remote_revision +
                      " (it refused it, or has not applied it yet)";
    finding.suggestion =
        "read that instance's remote_outcome in the registry or its log "
        "(remote_refused), and fix what it cannot apply";
    out.push_back(std::move(finding));
}

}  // namespace

void check_fleet(const Inputs& inputs, Findings& out) {
    if (inputs.fleet == nullptr) return;
    const FleetView& fleet = *inputs.fleet;
    for (const FleetPeer& peer : fleet.peers) {
        if (peer.id == fleet.self_id) continue;
        port_conflicts(inputs, fleet, peer, out);
        duplicate_urls(inputs, fleet, peer, out);
        revision_mismatch(fleet, peer, out);
    }
}

}  // namespace xiaozhi::analysis
