// Deriving the advertised host and URLs, and refusing a configured URL that contradicts a bound
// port.
#include "advertised_addresses.hpp"

#include <utility>

#include "deploy/ip_address.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::server {

namespace {

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = text.find(';', start);
        out.push_back(
            text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

bool names_this_machine(const std::string& url_host, const ServerSettings& settings,
                        const host::Snapshot& host) {
    if (deploy::is_loopback(url_host) || host.is_local_address(url_host)) return true;
    if (url_host == settings.bind_address || url_host == settings.advertise_host) return true;
    return false;
}

}  // namespace

std::string advertised_host(const ServerSettings& settings, const host::Snapshot& host) {
    if (!settings.advertise_host.empty()) return deploy::url_host(settings.advertise_host);
    if (!settings.bind_address.empty() && !deploy::is_unspecified(settings.bind_address) &&
        settings.bind_address != "*") {
        return deploy::url_host(settings.bind_address);
    }
    const std::string* fallback = nullptr;
    for (const auto& address : host.addresses) {
        const auto ip = deploy::parse_ip(address);
        if (!ip || !ip->is_v4() || deploy::is_loopback(address)) continue;
        if (!deploy::is_container_bridge(address)) return address;
        if (fallback == nullptr) fallback = &address;
    }
    return fallback != nullptr ? *fallback : "127.0.0.1";
}

// scheme://host:port, without the port when it is the scheme's default (443 for TLS).
std::string base_url(const char* scheme, const std::string& host, int port, bool tls) {
    if (tls && port == 443) return std::string(scheme) + "://" + host;
    return std::string(scheme) + "://" + host + ":" + std::to_string(port);
}

AdvertisedAddresses advertised_addresses(const ServerSettings& settings, const BoundPorts& bound,
                                         const config::Effective& effective,
                                         const host::Snapshot& host) {
    AdvertisedAddresses out;
    out.host = advertised_host(settings, host);
    const bool http_tls = bound.tls != 0 || bound.http_tls;
    const std::string http_base = base_url(http_tls ? "https" : "http", out.host,
                                           bound.tls != 0 ? bound.tls : bound.http, http_tls);
    const bool websocket_tls = bound.tls != 0 || bound.websocket_tls;
    out.websocket_url =
        settings.configured_websocket.empty()
            ? base_url(websocket_tls ? "wss" : "ws", out.host,
                       bound.tls != 0 ? bound.tls : bound.websocket, websocket_tls) +
                  "/xiaozhi/v1/"
            : settings.configured_websocket;
    const std::string ota = effective.get_string("server.ota").value_or("");
    out.ota_url = ota.empty() || deploy::is_placeholder(ota) ? http_base + "/xiaozhi/ota/" : ota;
    out.download_base = http_base + "/xiaozhi/ota/download/";
    return out;
}

std::optional<analysis::Finding> uncovered_tls_host(
    const AdvertisedAddresses& addresses, const config::Effective& effective,
    const std::function<bool(std::string_view)>& covers,
    const std::vector<std::string>& certificate_names) {
    const std::pair<const char*, const std::string*> handed_out[] = {
        {"server.websocket", &addresses.websocket_url}, {"server.ota", &addresses.ota_url}};
    for (const auto& [key, text] : handed_out) {
        const auto url = deploy::parse_url(*text);
        if (!url || (url->scheme != "wss" && url->scheme != "https")) continue;
        if (covers(url->host)) continue;
        std::string names;
        for (const auto& name : certificate_names) names += (names.empty() ? "" : ", ") + name;
        analysis::Finding finding;
        finding.rule = "tls.host-not-covered";
        finding.severity = analysis::Severity::error;
        finding.key = effective.get(key) != nullptr ? key : "server.advertise_host";
        finding.origin = effective.origin_of(finding.key);
        finding.message = "devices would be handed " + *text +
                          ", but the certificate does not cover " + url->host + " (it names " +
                          (names.empty() ? "nothing" : names) +
                          "); a device would refuse the TLS handshake";
        finding.suggestion =
            "set server.advertise_host to a name the certificate covers, or get a certificate "
            "for " +
            url->host;
        return finding;
    }
    return std::nullopt;
}

std::optional<analysis::Finding> bound_port_contradiction(const ServerSettings& settings,
                                                          const BoundPorts& bound,
                                                          const config::Effective& effective,
                                                          const host::Snapshot& host) {
    if (settings.configured_websocket.empty()) return std::nullopt;
    for (const auto& entry : split_list(settings.configured_websocket)) {
        const auto url = deploy::parse_url(entry);
        if (!url || url->port == bound.websocket) continue;
        if (!names_this_machine(url->host, settings, host)) continue;
        analysis::Finding finding;
        finding.rule = "url.port-mismatch";
        finding.severity = analysis::Severity::error;
        finding.key = "server.websocket";
        finding.origin = effective.origin_of("server.websocket");
        finding.message = "server.websocket (" + finding.origin.to_string() + ") hands devices " +
                          entry + ", port " + std::to_string(url->port) +
                          " on this machine, but the WebSocket listener is bound on port " +
                          std::to_string(bound.websocket);
        finding.suggestion = "set server.websocket to ws://" + deploy::url_host(url->host) + ":" +
                             std::to_string(bound.websocket) + url->path +
                             ", or remove it to let the server derive the address";
        return finding;
    }
    return std::nullopt;
}

}  // namespace xiaozhi::server
