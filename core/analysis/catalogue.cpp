// The rule catalogue: the rules of DESIGN.md, then the ones added since.
#include "analysis/catalogue.hpp"

#include <algorithm>

namespace xiaozhi::analysis {

const std::vector<RuleInfo>& rule_catalogue() {
    static const std::vector<RuleInfo> rules = {
        {"port.conflict", Severity::error,
         "two listeners of the same transport share a port and their bind addresses overlap"},
        {"port.invalid", Severity::error, "a port is not an integer in 1..65535"},
        {"port.privileged", Severity::warning,
         "port below the host's unprivileged port start and the process may not bind it"},
        {"port.ephemeral", Severity::warning,
         "port inside the host's ephemeral range, where outgoing connections may take it"},
        {"port.in-use", Severity::error,
         "another process already holds the port (named by pid and command)"},
        {"port.held-by-self", Severity::info,
         "a running xiaozhi serve of this deployment holds the port"},
        {"url.malformed", Severity::error, "an advertised URL does not parse"},
        {"url.scheme", Severity::error,
         "wrong scheme for the URL's kind (WebSocket needs ws/wss, vision and OTA http/https)"},
        {"url.placeholder", Severity::warning,
         "the URL is still the template text; the server derives an address itself"},
        {"url.unroutable", Severity::error,
         "the URL's host is one a device cannot reach (0.0.0.0, ::, loopback)"},
        {"url.container-address", Severity::warning,
         "the URL's host is in a container bridge range (172.16.0.0/12)"},
        {"url.port-mismatch", Severity::error,
         "the advertised port differs from the port the service listens on"},
        {"url.wrong-service", Severity::error,
         "an advertised URL points at another service's port"},
        {"url.path", Severity::warning,
         "the URL's path is not the one the server serves (/xiaozhi/v1/, /xiaozhi/ota/, "
         "/mcp/vision/explain)"},
        {"url.sentinel-host", Severity::error,
         "a host that means never configured (xiaozhi.server.com) or an empty URL"},
        {"url.docker-host", Severity::error,
         "host.docker.internal or a Docker Desktop VM address in a URL handed to devices"},
        {"url.list-entry", Severity::error,
         "an empty entry in a ';' URL list, or entries that differ only by port"},
        {"compose.port-mismatch", Severity::error,
         "a compose mapping to a port the server does not listen on, or an advertised port "
         "that is not the published one"},
        {"compose.port-conflict", Severity::error,
         "two compose mappings publish the same host port"},
        {"auth.weak-secret", Severity::warning,
         "auth enabled but server.auth_key empty or a placeholder (tokens die at each restart)"},
        {"auth.placeholder-secret", Severity::error,
         "manager-api.url set while manager-api.secret is empty or the placeholder"},
        {"mqtt.endpoint", Severity::error, "mqtt_gateway or udp_gateway is not host:port"},
        {"config.unknown-key", Severity::warning,
         "a key the schema does not know, with the nearest known key"},
        {"config.legacy-key", Severity::warning,
         "a key the reference server no longer reads, with what replaced it"},
        {"config.type", Severity::error, "a value of the wrong type"},
        {"port.shared", Severity::info,
         "the WebSocket and HTTP servers share one listener (equal ports with the xiaozhi "
         "runtime)"},
        {"config.duplicate-key", Severity::warning,
         "a YAML file writes a key twice in one map; PyYAML keeps the last value"},
        {"url.container-derived", Severity::error,
         "a template URL (你的) derived inside a bridge container: the container's own "
         "address, which devices cannot reach"},
        {"config.management-api", Severity::info,
         "manager-api.url is set: the address devices get comes from the management console"},
        {"config.ignored-key", Severity::warning,
         "a local key the reference does not read in management-API mode (info outside "
         "server.*)"},
        {"compose.config-not-mounted", Severity::error,
         "a server value of the folder's config.yaml that a container of the release image "
         "never reads (it runs its own config.yaml; only ./data is mounted)"},
        {"firmware.url", Severity::error,
         "firmware images are offered at URLs built from a vision URL that is not the HTTP "
         "listener's /mcp/vision/explain"},
        {"tls.file-unreadable", Severity::error,
         "a certificate or key file of server.tls cannot be read"},
        {"tls.not-pem", Severity::error,
         "a certificate file holds no PEM certificate, or a key file no PEM key without a pass "
         "phrase"},
        {"tls.key-mismatch", Severity::error,
         "the private key does not belong to the first certificate of its file"},
        {"tls.chain-broken", Severity::error,
         "a certificate of the chain file is not issued (name and signature) by the next one"},
        {"tls.expired", Severity::error, "a certificate of the chain has expired"},
        {"tls.not-yet-valid", Severity::error,
         "a certificate of the chain is not valid yet (its start time is in the future)"},
        {"tls.expiring", Severity::warning,
         "a certificate of the chain expires within 30 days (with the date and days left)"},
        {"tls.host-not-covered", Severity::error,
         "the host devices are given for TLS is not a name of the certificate serve presents "
         "for it"},
        {"tls.unused-certificate", Severity::warning,
         "server.tls.cert is set but no listener speaks TLS"},
        {"tls.incomplete", Severity::error,
         "server.tls.cert without server.tls.key (or the reverse), or a TLS listener or SNI "
         "certificate without them"},
        {"url.tls-no-listener", Severity::error,
         "a wss:// or https:// URL at a port where serve has no TLS listener (a warning for a "
         "host that may be forwarded)"},
        {"url.plain-on-tls-port", Severity::error,
         "a ws:// or http:// URL at a port that speaks TLS only"},
        {"url.wss-on-plain-port", Severity::error,
         "a wss:// URL at the WebSocket port, which speaks plain ws"},
        {"upstream.loop", Severity::error,
         "an upstream URL (upstream.websocket, upstream.ota) points at serve's own listener or "
         "the address devices are given for it: serve would relay to itself"},
        {"upstream.malformed", Severity::error, "an upstream URL does not parse"},
        {"upstream.scheme", Severity::error,
         "an upstream URL with the wrong scheme (upstream.websocket needs ws/wss, upstream.ota "
         "http/https)"},
        {"upstream.missing", Severity::error,
         "server.backend is relay but upstream.websocket lists no conversation server"},
        {"upstream.loopback-in-container", Severity::warning,
         "an upstream on loopback while serve runs in a compose container on a bridge network, "
         "where loopback is the container itself"},
        {"upstream.not-listening", Severity::warning,
         "(probe) an upstream on this host at a port nothing listens on yet (it may start "
         "later)"},
        {"fleet.port-conflict", Severity::error,
         "(fleet) another instance of the fleet on this host binds a port this one wants"},
        {"fleet.duplicate-url", Severity::error,
         "(fleet) server.websocket is the address another instance of the fleet advertises"},
        {"fleet.revision-mismatch", Severity::warning,
         "(fleet) an instance runs another remote revision than the fleet's current one"},
    };
    return rules;
}

const RuleInfo* find_rule(const std::string& id) {
    const auto& rules = rule_catalogue();
    auto it = std::find_if(rules.begin(), rules.end(),
                           [&id](const RuleInfo& rule) { return rule.id == id; });
    return it == rules.end() ? nullptr : &*it;
}

}  // namespace xiaozhi::analysis
