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
// With the xiaozhi runtime one "http+websocket" listener is both; the TLS listener of
// server.tls.port is beside them, never one of these.
struct ServiceListeners {
    const deploy::Listener* websocket = nullptr;
    const deploy::Listener* http = nullptr;
    const deploy::Listener* manager_api = nullptr;
};
ServiceListeners service_listeners(const deploy::Model& model);

// "the WebSocket server", "the HTTP server", "the shared WebSocket and HTTP listener", ...
std::string service_label(const deploy::Listener& listener);

// Compose mappings of the xiaozhi server's own service (deploy::is_server_service).
std::vector<const deploy::PublishedPort*> server_mappings(const deploy::Model& model);

// The TCP mappings among `mappings` that publish `container_port`.
std::vector<const deploy::PublishedPort*> mappings_to(
    const std::vector<const deploy::PublishedPort*>& mappings, int container_port);

// The ports devices reach `listener` on: the host ports the server's compose service
// publishes for it, else its listen port; empty for a null listener.
std::vector<int> reach_ports(const deploy::Model& model, const deploy::Listener* listener);

// Whether a URL host is this machine: loopback, server.ip, one of the host's addresses
// when probed, or (without a probe, when nothing tells otherwise) any IP literal.
bool is_this_machine(std::string_view host, const Inputs& inputs);

// The address the server derives for devices: the host's first LAN address when
// probed (IPv4 preferred), else "<this host's LAN address>". IPv6 comes bracketed.
std::string derived_host(const host::Snapshot& host);

// The host the server derives for a template URL: "<the container's address>" in a
// bridge container; on a host the default-route address when probed, else a description
// of it (util.get_local_ip: the source address towards a public address).
std::string derived_address(const Inputs& inputs);

// The URL the server derives for a template of `kind` with `host`: ws://host:server.port/
// xiaozhi/v1/, http://host:server.http_port/mcp/vision/explain (or /xiaozhi/ota/); wss://
// and https:// for a listener server.tls.listeners makes TLS.
std::string derived_url(deploy::UrlKind kind, const Inputs& inputs, const std::string& host);

// A ';' list the reference hands out whole (a local server.websocket, python runtime).
bool is_unsplit_list(const deploy::AdvertisedUrl& url, const Inputs& inputs);

// Whether the URL is the management console's (management-API mode, from --remote).
bool in_management_console(const deploy::AdvertisedUrl& url, const Inputs& inputs);

// A string value that is set and not blank.
std::optional<std::string> configured_string(const config::Effective& effective,
                                             std::string_view key);

// Whether manager-api.url is set: a full deployment, where the management API serves OTA.
bool manager_api_configured(const config::Effective& effective);

// Lower-case ASCII copy.
std::string lower(std::string_view text);

}  // namespace xiaozhi::analysis
