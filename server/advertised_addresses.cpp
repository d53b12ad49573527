// Deriving the advertised host and URLs, and refusing a configured URL that contradicts a bound
// port.
#include "advertised_addresses.hpp"

#include "deploy/ip_address.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::server {

namespace {

std::string bracketed(const std::string& host) {
    if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
    return host;
}

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
    if (!settings.advertise_host.empty()) return bracketed(settings.advertise_host);
    if (!settings.bind_address.empty() && !deploy::is_unspecified(settings.bind_address) &&
        settings.bind_address != "*") {
        return bracketed(settings.bind_address);
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

AdvertisedAddresses advertised_addresses(const ServerSettings& settings, const BoundPorts& bound,
                                         const config::Effective& effective,
                                         const host::Snapshot& host) {
    AdvertisedAddresses out;
    out.host = advertised_host(settings, host);
    const std::string http_base = "http://" + out.host + ":" + std::to_string(bound.http);
    out.websocket_url =
        settings.configured_websocket.empty()
            ? "ws://" + out.host + ":" + std::to_string(bound.websocket) + "/xiaozhi/v1/"
            : settings.configured_websocket;
    const std::string ota = effective.get_string("server.ota").value_or("");
    out.ota_url = ota.empty() || deploy::is_placeholder(ota) ? http_base + "/xiaozhi/ota/" : ota;
    out.download_base = http_base + "/xiaozhi/ota/download/";
    return out;
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
        finding.suggestion = "set server.websocket to ws://" + bracketed(url->host) + ":" +
                             std::to_string(bound.websocket) + url->path +
                             ", or remove it to let the server derive the address";
        return finding;
    }
    return std::nullopt;
}

}  // namespace xiaozhi::server
