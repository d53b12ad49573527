// Facts the rules share: which listener serves what, compose reach, this machine or not.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyze.hpp"
#include "deploy/model.hpp"

namespace xiaozhi::analysis {

// The listener of each service of the server (null when its port is invalid).
// With the xiaozhi runtime one "http+websocket" listener is both.
struct ServiceListeners {
    const deploy::Listener* websocket = nullptr;
    const deploy::Listener* http = nullptr;
    const deploy::Listener* manager_api = nullptr;
};
ServiceListeners service_listeners(const deploy::Model& model);

// "the WebSocket server", "the HTTP server", "the shared WebSocket and HTTP listener", ...
std::string service_label(const deploy::Listener& listener);

// Compose mappings of the xiaozhi server's own services: those named like the server
// ("xiaozhi-esp32-server", "xiaozhi-server", but not "...web"), and those publishing
// one of the server's listen ports.
std::vector<const deploy::PublishedPort*> server_mappings(const deploy::Model& model);

// The TCP mappings among `mappings` that publish `container_port`.
std::vector<const deploy::PublishedPort*> mappings_to(
    const std::vector<const deploy::PublishedPort*>& mappings, int container_port);

// Whether a URL host is this machine: loopback, server.ip, one of the host's addresses
// when probed, or (without a probe, when nothing tells otherwise) any IP literal.
bool is_this_machine(std::string_view host, const Inputs& inputs);

// The address the server derives for devices: the host's first LAN address when
// probed (IPv4 preferred), else "<this host's LAN address>". IPv6 comes bracketed.
std::string derived_host(const host::Snapshot& host);

// A string value that is set and not blank.
std::optional<std::string> configured_string(const config::Effective& effective,
                                             std::string_view key);

// Whether manager-api.url is set: a full deployment, where the management API serves OTA.
bool manager_api_configured(const config::Effective& effective);

// Lower-case ASCII copy.
std::string lower(std::string_view text);

}  // namespace xiaozhi::analysis
