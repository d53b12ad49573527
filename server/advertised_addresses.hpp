// The addresses serve hands to devices, from the settings, the bound ports and this host.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/finding.hpp"
#include "config/effective.hpp"
#include "host/snapshot.hpp"
#include "running_config.hpp"

namespace xiaozhi::server {

struct AdvertisedAddresses {
    std::string host;           // the host part used for derived URLs ("192.168.1.5", "[::1]")
    std::string websocket_url;  // server.websocket when set, else ws://host:port/xiaozhi/v1/
    std::string ota_url;        // server.ota when set, else http://host:http_port/xiaozhi/ota/
    std::string download_base;  // http://host:http_port/xiaozhi/ota/download/
};
// With a TLS listener the derived URLs are wss:// and https:// on the port that speaks TLS
// (server.tls.port, else a listener of server.tls.listeners), without ":443".

// The host devices should use: server.advertise_host; else the bind address when it
// is a specific one (a loopback-only server advertises loopback); else the first
// local IPv4 address of `host` that is neither loopback nor a container bridge,
// then any non-loopback one, then 127.0.0.1. IPv6 literals come in brackets.
std::string advertised_host(const ServerSettings& settings, const host::Snapshot& host);

AdvertisedAddresses advertised_addresses(const ServerSettings& settings, const BoundPorts& bound,
                                         const config::Effective& effective,
                                         const host::Snapshot& host);

// tls.host-not-covered (error) when a wss:// or https:// URL handed out names a host no
// certificate covers (`covers`); `certificate_names` are listed in the message.
std::optional<analysis::Finding> uncovered_tls_host(
    const AdvertisedAddresses& addresses, const config::Effective& effective,
    const std::function<bool(std::string_view)>& covers,
    const std::vector<std::string>& certificate_names);

// url.port-mismatch (error) when a configured server.websocket entry names this
// machine (loopback, a local address, server.ip or the advertised host) with
// another port than the one the WebSocket listener actually bound.
std::optional<analysis::Finding> bound_port_contradiction(const ServerSettings& settings,
                                                          const BoundPorts& bound,
                                                          const config::Effective& effective,
                                                          const host::Snapshot& host);

}  // namespace xiaozhi::server
