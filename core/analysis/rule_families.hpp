// The rule families analyze() runs; each appends the findings of its rules (internal header).
#pragma once

#include <vector>

#include "analysis/analyze.hpp"
#include "analysis/finding.hpp"

namespace xiaozhi::analysis {

using Findings = std::vector<Finding>;

// port.conflict, port.shared
void check_listener_ports(const Inputs& inputs, Findings& out);
// port.invalid
void check_port_values(const Inputs& inputs, Findings& out);
// port.privileged, port.ephemeral, port.in-use, port.held-by-self
void check_host_ports(const Inputs& inputs, Findings& out);
// url.malformed, url.scheme, url.placeholder, url.container-derived, url.unroutable,
// url.container-address, url.docker-host, url.sentinel-host, url.path
void check_url_entries(const Inputs& inputs, Findings& out);
// url.list-entry
void check_url_lists(const Inputs& inputs, Findings& out);
// url.port-mismatch, url.wrong-service, compose.port-mismatch for advertised ports,
// url.scheme for TLS at a plain port (wss:// and https:// are check_tls_urls' when TLS is in use)
void check_url_ports(const Inputs& inputs, Findings& out);
// compose.port-mismatch for mappings, compose.port-conflict
void check_compose_ports(const Inputs& inputs, Findings& out);
// auth.weak-secret, auth.placeholder-secret
void check_auth(const Inputs& inputs, Findings& out);
// mqtt.endpoint
void check_gateway_endpoints(const Inputs& inputs, Findings& out);
// config.management-api, config.ignored-key
void check_management_api(const Inputs& inputs, Findings& out);
// firmware.url
void check_firmware_urls(const Inputs& inputs, Findings& out);
// compose.config-not-mounted
void check_image_config(const Inputs& inputs, Findings& out);
// config.unknown-key, config.legacy-key, and config.type for a map where a scalar belongs
void check_config_keys(const Inputs& inputs, Findings& out);
// config.type
void check_config_types(const Inputs& inputs, Findings& out);
// config.duplicate-key
void check_duplicate_keys(const Inputs& inputs, Findings& out);
// tls.file-unreadable, tls.not-pem, tls.key-mismatch, tls.chain-broken, tls.expired,
// tls.not-yet-valid, tls.expiring
void check_tls_files(const Inputs& inputs, Findings& out);
// tls.incomplete, tls.unused-certificate, config.type for the shape of server.tls
void check_tls_setup(const Inputs& inputs, Findings& out);
// url.tls-no-listener, url.wss-on-plain-port, url.plain-on-tls-port, tls.host-not-covered,
// url.wrong-service for a TLS URL at another service's TLS listener
void check_tls_urls(const Inputs& inputs, Findings& out);
// upstream.missing, upstream.malformed, upstream.scheme, config.type for server.backend and the
// words and ranges of upstream.*
void check_upstream_setup(const Inputs& inputs, Findings& out);
// upstream.loop, upstream.loopback-in-container, upstream.not-listening
void check_upstream_reach(const Inputs& inputs, Findings& out);
// fleet.port-conflict, fleet.duplicate-url, fleet.revision-mismatch (with Inputs::fleet)
void check_fleet(const Inputs& inputs, Findings& out);

}  // namespace xiaozhi::analysis
