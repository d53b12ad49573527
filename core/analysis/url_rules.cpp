// The checks of one advertised URL on its own: parse, scheme, placeholder, host, path.
#include <string>

#include "analysis/deployment_view.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/url_text.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

bool is_device_url(deploy::UrlKind kind) {
    return kind == deploy::UrlKind::websocket || kind == deploy::UrlKind::vision ||
           kind == deploy::UrlKind::ota;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The URL the server derives for a template, on the host it derives.
std::string derived_url(deploy::UrlKind kind, const Inputs& inputs) {
    return analysis::derived_url(kind, inputs, derived_host(inputs.host));
}

// English template words in a host name ("your-ip-or-domain", "yourdomain.com"): the
// reference hands them to devices as written.
bool is_template_host(std::string_view host) {
    return lower(host).find("your") != std::string::npos;
}

void check_scheme(const deploy::AdvertisedUrl& url, const deploy::Url& parsed, Findings& out) {
    bool websocket = url.kind == deploy::UrlKind::websocket;
    bool secure = parsed.scheme == "https" || parsed.scheme == "wss";
    if (websocket && (parsed.scheme == "ws" || parsed.scheme == "wss")) return;
    if (!websocket && (parsed.scheme == "http" || parsed.scheme == "https")) return;
    std::string wanted = websocket ? (secure ? "wss" : "ws") : (secure ? "https" : "http");
    std::string needs = websocket ? "a WebSocket URL needs ws:// or wss://"
                                  : "a " + std::string(deploy::url_kind_name(url.kind)) +
                                        " URL needs http:// or https://";
    out.push_back(make_finding("url.scheme", Severity::error,
                               url_label(url) + " uses " + parsed.scheme + "://, but " + needs,
                               url.key, url.origin, "use " + with_scheme(url.text, wanted)));
}

void check_host(const deploy::AdvertisedUrl& url, const deploy::Url& parsed, const Inputs& inputs,
                Findings& out) {
    std::string host = lower(parsed.host);
    std::string lan = derived_host(inputs.host);
    std::string use_lan = "use this host's LAN address (" + lan + ") or a name devices resolve";
    if (is_template_host(host)) {
        out.push_back(make_finding(
            "url.sentinel-host", Severity::error,
            url_label(url) + " has the template host " + parsed.host +
                ", which no device can resolve: devices get it as written (only a value with "
                "你的 is replaced by an address the server works out)",
            url.key, url.origin, "use " + with_host(url.text, derived_host(inputs.host))));
    } else if (host == "xiaozhi.server.com") {
        out.push_back(make_finding(
            "url.sentinel-host", Severity::error,
            url_label(url) +
                " points at xiaozhi.server.com, the management API's fallback when its "
                "server.websocket is unset, which no device can reach",
            url.key, url.origin, "use " + derived_url(url.kind, inputs)));
    } else if (deploy::is_docker_desktop(host)) {
        out.push_back(make_finding(
            "url.docker-host", Severity::error,
            url_label(url) + " points at " + parsed.host +
                ", an address of Docker Desktop's VM that devices on the network cannot reach",
            url.key, url.origin, use_lan));
    } else if (deploy::is_unspecified(host) || deploy::is_loopback(host)) {
        auto server_ip = configured_string(inputs.effective, "server.ip");
        bool local_setup = server_ip && deploy::is_loopback(*server_ip);
        std::string why = deploy::is_unspecified(host)
                              ? ", a bind-all address that no device can connect to"
                              : ", a loopback address that a device resolves to itself";
        if (local_setup) why += " (server.ip is loopback too: fine for a local test only)";
        out.push_back(make_finding(
            "url.unroutable", local_setup ? Severity::warning : Severity::error,
            url_label(url) + " points at " + parsed.host + why, url.key, url.origin, use_lan));
    } else if (deploy::is_container_bridge(host)) {
        out.push_back(make_finding(
            "url.container-address", Severity::warning,
            url_label(url) + " points at " + parsed.host +
                ", a container bridge address (172.16.0.0/12) that devices outside Docker "
                "usually cannot reach",
            url.key, url.origin, use_lan + ", with the published port"));
    }
}

void report_path(const deploy::AdvertisedUrl& url, const std::string& problem,
                 const std::string& fixed, Findings& out) {
    out.push_back(make_finding("url.path", Severity::warning, url_label(url) + problem, url.key,
                               url.origin, "use " + fixed));
}

void check_path(const deploy::AdvertisedUrl& url, const deploy::Url& parsed, Findings& out) {
    const std::string& path = parsed.path;
    switch (url.kind) {
        case deploy::UrlKind::websocket:
            if (path == "/xiaozhi/v1/" || path == "/xiaozhi/v1") return;
            report_path(url,
                        " has path " + path + ", but the server accepts devices on /xiaozhi/v1/",
                        with_path(url.text, "/xiaozhi/v1/"), out);
            return;
        case deploy::UrlKind::ota:
            if (ends_with(path, "/xiaozhi/ota/")) return;
            if (ends_with(path, "/xiaozhi/ota")) {
                report_path(url,
                            " lacks the trailing slash of /xiaozhi/ota/, which the reference "
                            "server's route requires",
                            with_path(url.text, path + "/"), out);
            } else {
                report_path(url, " has path " + path + ", but the OTA endpoint is /xiaozhi/ota/",
                            with_path(url.text, "/xiaozhi/ota/"), out);
            }
            return;
        case deploy::UrlKind::vision:
            if (ends_with(path, "/mcp/vision/explain")) return;
            report_path(url,
                        " has path " + path + ", but the vision endpoint is /mcp/vision/explain",
                        with_path(url.text, "/mcp/vision/explain"), out);
            return;
        default:
            return;
    }
}

std::string entry_name(const deploy::AdvertisedUrl& url) {
    return url.key + (url.index >= 0 ? " entry " + std::to_string(url.index + 1) : "");
}

// Where the published port of the listener a derived URL names is, for the suggestion.
int published_port_for(deploy::UrlKind kind, const Inputs& inputs) {
    ServiceListeners listeners = service_listeners(inputs.model);
    const deploy::Listener* listener =
        kind == deploy::UrlKind::websocket ? listeners.websocket : listeners.http;
    if (!listener) return 0;
    auto mappings = mappings_to(server_mappings(inputs.model), listener->port);
    for (const auto* mapping : mappings) {
        if (mapping->host_port == listener->port) return listener->port;
    }
    return mappings.empty() || mappings.front()->host_port == 0 ? listener->port
                                                                : mappings.front()->host_port;
}

void check_serve_placeholder(const deploy::AdvertisedUrl& url, const Inputs& inputs,
                             Findings& out) {
    // A built-in default left as the template is the intended "derive it" set-up.
    if (url.origin.layer == "default") return;
    std::string derived = derived_url(url.kind, inputs);
    out.push_back(make_finding(
        "url.placeholder", Severity::warning,
        entry_name(url) + " (" + url.origin.to_string() +
            ") is still the template text, so the server will derive " + derived + " itself",
        url.key, url.origin, "set " + url.key + " to the URL devices should use, e.g. " + derived));
}

std::string firmware_note(const deploy::AdvertisedUrl& url, const Inputs& inputs) {
    if (url.kind != deploy::UrlKind::vision || inputs.model.firmware_files.empty()) return "";
    return " (firmware downloads in OTA answers are built from it too)";
}

// The reference's derivation (util.get_local_ip) inside a bridge container gives the
// container's own address; on a host, the address of the default route.
void check_reference_template(const deploy::AdvertisedUrl& url, const Inputs& inputs,
                              Findings& out) {
    const deploy::Model& model = inputs.model;
    const std::string template_text =
        entry_name(url) + " (" + url.origin.to_string() + ") contains the template text 你的";
    if (model.placement == deploy::Placement::bridge) {
        const std::string lan = derived_host(inputs.host);
        const int port = published_port_for(url.kind, inputs);
        std::string fixed = analysis::derived_url(url.kind, inputs, lan);
        if (port != 0) fixed = with_port(fixed, port);
        out.push_back(make_finding(
            "url.container-derived", Severity::error,
            template_text + ", so the server derives " +
                analysis::derived_url(url.kind, inputs, derived_address(inputs)) +
                " inside the container of service " + model.server_service +
                " (a bridge network): the container's own address, which devices cannot reach" +
                firmware_note(url, inputs),
            url.key, url.origin,
            "set " + url.key + " (in data/.config.yaml) to " + fixed +
                ": this host's LAN address and the port compose publishes"));
        return;
    }
    const std::string address = derived_address(inputs);
    const bool described = address.starts_with("<");
    out.push_back(make_finding(
        "url.placeholder", Severity::warning,
        template_text + ", so the server derives " +
            analysis::derived_url(url.kind, inputs, address) + " itself" +
            (described ? "" : ": " + address + " is the address of this host's default route"),
        url.key, url.origin,
        "set " + url.key +
            " to the URL devices should use if the default route's address is "
            "not the one they reach"));
}

// A local server.websocket that is null: `"你的" not in None` raises in every OTA request
// of the reference (ota_handler._get_websocket_url), which answers "request error.".
void check_null_websocket(const Inputs& inputs, Findings& out) {
    const deploy::Model& model = inputs.model;
    if (model.runtime != deploy::Runtime::python || model.management_api) return;
    const config::Node* value = inputs.effective.get("server.websocket");
    if (!value || value->kind != config::Kind::null) return;
    if (configured_string(inputs.effective, "server.mqtt_gateway")) return;
    const config::Origin origin = inputs.effective.origin_of("server.websocket");
    if (origin.layer == "default") return;
    out.push_back(make_finding(
        "url.sentinel-host", Severity::error,
        "server.websocket (" + origin.to_string() +
            ") is null, so every OTA request to the server fails with \"request error.\" "
            "(the template test raises on it) and devices get no address",
        "server.websocket", origin,
        "set it to " + derived_url(deploy::UrlKind::websocket, inputs)));
}

// A ';' list in a local file: only the management API splits it; the reference's own
// OTA endpoint hands the whole text to every device.
bool check_unsplit_list(const deploy::AdvertisedUrl& url, const Inputs& inputs, Findings& out) {
    if (!is_unsplit_list(url, inputs)) return false;
    out.push_back(make_finding(
        "url.list-entry", Severity::error,
        url_label(url) +
            " is a ';' list, but the server's own OTA endpoint hands the whole text to every "
            "device: only the management API picks one entry of such a list",
        url.key, url.origin, "keep one URL here, or set the list in the management console"));
    return true;
}

}  // namespace

void check_url_entries(const Inputs& inputs, Findings& out) {
    check_null_websocket(inputs, out);
    for (const auto& url : inputs.model.advertised) {
        if (!is_device_url(url.kind)) continue;
        if (check_unsplit_list(url, inputs, out)) continue;
        if (is_blank(url.text)) {
            // Empty entries of a ';' list are url.list-entry's; a built-in empty default is unset.
            if (url.index >= 0 || url.origin.layer == "default") continue;
            out.push_back(make_finding(
                "url.sentinel-host", Severity::error,
                url.key + " (" + url.origin.to_string() + ") is empty, so devices get no address",
                url.key, url.origin,
                (in_management_console(url, inputs)
                     ? "set " + url.key + " in the management console to "
                     : std::string("set it to ")) +
                    derived_url(url.kind, inputs)));
            continue;
        }
        if (url.derived) {
            if (inputs.model.runtime == deploy::Runtime::python) {
                check_reference_template(url, inputs, out);
            } else {
                check_serve_placeholder(url, inputs, out);
            }
            continue;
        }
        deploy::UrlError error;
        auto parsed = deploy::parse_url(url.text, &error);
        if (!parsed) {
            out.push_back(make_finding(
                "url.malformed", Severity::error,
                url_label(url) + " does not parse: " + error.message, url.key, url.origin,
                "write it as scheme://host:port/path, e.g. " + derived_url(url.kind, inputs)));
            continue;
        }
        check_scheme(url, *parsed, out);
        check_host(url, *parsed, inputs, out);
        check_path(url, *parsed, out);
    }
}

}  // namespace xiaozhi::analysis
