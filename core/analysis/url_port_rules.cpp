// url.port-mismatch, url.wrong-service, compose.port-mismatch: ports in advertised URLs.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "analysis/deployment_view.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/tls_view.hpp"
#include "analysis/url_text.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

constexpr int management_api_default_port = 8002;

// Where devices reach a listener: the published host ports of the server's compose
// services that map to it, else the listen port itself.
struct Reach {
    const deploy::Listener* listener = nullptr;
    std::vector<int> ports;
    std::vector<const deploy::PublishedPort*> mappings;

    bool via_compose() const { return !mappings.empty(); }
    bool contains(int port) const {
        return std::find(ports.begin(), ports.end(), port) != ports.end();
    }
};

Reach reach_of(const deploy::Listener* listener,
               const std::vector<const deploy::PublishedPort*>& server_maps) {
    Reach reach;
    reach.listener = listener;
    if (!listener) return reach;
    reach.mappings = mappings_to(server_maps, listener->port);
    for (const auto* mapping : reach.mappings) reach.ports.push_back(mapping->host_port);
    if (reach.mappings.empty()) reach.ports.push_back(listener->port);
    return reach;
}

std::string listener_place(const deploy::Listener& listener) {
    return service_label(listener) + " (" + listener.key + ", " + listener.origin.to_string() + ")";
}

class UrlPortCheck {
  public:
    UrlPortCheck(const Inputs& inputs, Findings& out)
        : inputs_(inputs), out_(out), listeners_(service_listeners(inputs.model)) {
        auto server_maps = server_mappings(inputs.model);
        websocket_ = reach_of(listeners_.websocket, server_maps);
        http_ = reach_of(listeners_.http, server_maps);
        manager_ = reach_of(listeners_.manager_api, server_maps);
        if (auto manager_url = configured_string(inputs.effective, "manager-api.url")) {
            manager_url_ = deploy::parse_url(*manager_url);
            manager_configured_ = true;
        }
    }

    void check(const deploy::AdvertisedUrl& url, const deploy::Url& parsed) const {
        const bool secure = parsed.scheme == "wss" || parsed.scheme == "https";
        // With TLS in use, check_tls_urls has the TLS URLs and the plain ones at a TLS port.
        if (tls_in_use(inputs_) && (secure || at_tls_only_port(parsed.port))) return;
        if (secure) {
            check_tls_at_plain_port(url, parsed);
        } else if (url.kind == deploy::UrlKind::websocket) {
            check_against(url, parsed, websocket_, {&http_, &manager_});
        } else if (url.kind == deploy::UrlKind::vision) {
            // Another port or host may be a vision service of its own: only a port of
            // another of the server's services is wrong.
            wrong_service(url, parsed, http_, {&websocket_, &manager_});
        } else if (url.kind == deploy::UrlKind::ota && manager_configured_) {
            check_full_deployment_ota(url, parsed);
        } else if (url.kind == deploy::UrlKind::ota) {
            check_single_module_ota(url, parsed);
        }
    }

    // A derived URL names the listen port; in a bridge container devices reach only the
    // host ports compose publishes for it.
    void check_derived(const deploy::AdvertisedUrl& url) const {
        if (inputs_.model.placement != deploy::Placement::bridge) return;
        const Reach& target = url.kind == deploy::UrlKind::websocket ? websocket_ : http_;
        if (!target.listener || !target.via_compose() || target.contains(target.listener->port)) {
            return;
        }
        const deploy::PublishedPort& mapping = *target.mappings.front();
        if (mapping.host_port == 0) return;
        Finding finding = make_finding(
            "compose.port-mismatch", Severity::error,
            url.key + " (" + url.origin.to_string() + ") is derived with port " +
                std::to_string(target.listener->port) + " (" + target.listener->key +
                "), but compose publishes that port as host port " +
                std::to_string(mapping.host_port) + " (" + mapping.origin.to_string() +
                "), so devices are told a port that is not published",
            url.key, url.origin,
            "set " + url.key + " to a URL with port " + std::to_string(mapping.host_port) +
                ", or publish " + std::to_string(target.listener->port) + ":" +
                std::to_string(target.listener->port));
        for (const auto* published : target.mappings) finding.related.push_back(published->origin);
        out_.push_back(std::move(finding));
    }

  private:
    bool at_tls_only_port(int port) const {
        bool tls = false;
        for (const deploy::Listener& listener : inputs_.model.listeners) {
            std::vector<int> ports = reach_ports(inputs_.model, &listener);
            if (std::find(ports.begin(), ports.end(), port) == ports.end()) continue;
            if (!listener.tls) return false;
            tls = true;
        }
        return tls;
    }

    // Without TLS in serve: a wss:// or https:// URL reaches it through a proxy that
    // terminates TLS, whatever its port, unless the port is the server's own plain one.
    void check_tls_at_plain_port(const deploy::AdvertisedUrl& url,
                                 const deploy::Url& parsed) const {
        if (!parsed.explicit_port || !deploy::is_ip_literal(parsed.host)) return;
        for (const Reach* plain : {&websocket_, &http_}) {
            if (!plain->listener || !plain->contains(parsed.port)) continue;
            const bool websocket = url.kind == deploy::UrlKind::websocket;
            Finding finding =
                make_finding("url.scheme", Severity::error,
                             url_label(url) + " asks for TLS (" + parsed.scheme + "://) at port " +
                                 std::to_string(parsed.port) + ", which reaches " +
                                 listener_place(*plain->listener) +
                                 ", a plain listener: the TLS handshake fails",
                             url.key, url.origin,
                             "use " + with_scheme(url.text, websocket ? "ws" : "http") +
                                 ", or point it at the TLS proxy's port");
            finding.related.push_back(plain->listener->origin);
            out_.push_back(std::move(finding));
            return;
        }
    }

    // Whether the URL's port reaches one of `others` instead: url.wrong-service.
    bool wrong_service(const deploy::AdvertisedUrl& url, const deploy::Url& parsed,
                       const Reach& target, const std::vector<const Reach*>& others) const {
        for (const Reach* other : others) {
            if (!other->listener || other->listener == target.listener) continue;
            if (!other->contains(parsed.port)) continue;
            std::string message = url_label(url) + " uses port " + std::to_string(parsed.port) +
                                  ", which reaches " + listener_place(*other->listener);
            if (target.listener) message += ", not " + service_label(*target.listener);
            Finding finding =
                make_finding("url.wrong-service", Severity::error, message, url.key, url.origin,
                             target.listener ? "use " + with_port(url.text, target.ports.front())
                                             : std::string());
            finding.related.push_back(other->listener->origin);
            out_.push_back(std::move(finding));
            return true;
        }
        return false;
    }

    Severity mismatch_severity(const deploy::Url& parsed) const {
        return is_this_machine(parsed.host, inputs_) ? Severity::error : Severity::warning;
    }

    std::string proxy_note(Severity severity) const {
        return severity == Severity::warning ? "; fine only if a proxy forwards it" : "";
    }

    void check_against(const deploy::AdvertisedUrl& url, const deploy::Url& parsed,
                       const Reach& target, const std::vector<const Reach*>& others) const {
        if (target.listener && target.contains(parsed.port)) return;
        if (wrong_service(url, parsed, target, others)) return;
        if (!target.listener) return;
        report_mismatch(url, parsed, target);
    }

    void report_mismatch(const deploy::AdvertisedUrl& url, const deploy::Url& parsed,
                         const Reach& target) const {
        Severity severity = mismatch_severity(parsed);
        const deploy::Listener& listener = *target.listener;
        std::string advertised =
            url_label(url) + " advertises port " + std::to_string(parsed.port) + ", but ";
        std::string fix = "use " + with_port(url.text, target.ports.front());
        if (listener.tls) {
            const bool websocket = url.kind == deploy::UrlKind::websocket;
            fix = "use " + with_scheme(with_port(url.text, target.ports.front()),
                                       websocket ? "wss" : "https");
        }
        if (!target.via_compose()) {
            Finding finding =
                make_finding("url.port-mismatch", severity,
                             advertised + service_label(listener) + " listens on " +
                                 std::to_string(listener.port) + " (" + listener.key + ", " +
                                 listener.origin.to_string() + ")" + proxy_note(severity),
                             url.key, url.origin, fix);
            finding.related.push_back(listener.origin);
            out_.push_back(std::move(finding));
            return;
        }
        const deploy::PublishedPort& mapping = *target.mappings.front();
        Finding finding =
            make_finding("compose.port-mismatch", severity,
                         advertised + "compose publishes " + service_label(listener) + "'s port " +
                             std::to_string(listener.port) + " as host port " +
                             std::to_string(mapping.host_port) + " (" + mapping.origin.to_string() +
                             ")" + proxy_note(severity),
                         url.key, url.origin, fix);
        for (const auto* published : target.mappings) finding.related.push_back(published->origin);
        out_.push_back(std::move(finding));
    }

    void check_single_module_ota(const deploy::AdvertisedUrl& url,
                                 const deploy::Url& parsed) const {
        if (http_.listener && http_.contains(parsed.port)) return;
        if (wrong_service(url, parsed, http_, {&websocket_, &manager_})) return;
        bool taken = websocket_.contains(parsed.port) || http_.contains(parsed.port);
        if (parsed.port == management_api_default_port && !taken) {
            std::string http_port = http_.listener ? std::to_string(http_.ports.front()) : "";
            out_.push_back(make_finding(
                "url.wrong-service", Severity::error,
                url_label(url) +
                    " uses port 8002, the management API's, but manager-api.url is not set: "
                    "in a single-module deployment the OTA endpoint is the HTTP server" +
                    (http_port.empty() ? std::string() : " on " + http_port),
                url.key, url.origin,
                http_port.empty() ? std::string()
                                  : "use " + with_port(url.text, http_.ports.front())));
            return;
        }
        if (http_.listener) report_mismatch(url, parsed, http_);
    }

    void check_full_deployment_ota(const deploy::AdvertisedUrl& url,
                                   const deploy::Url& parsed) const {
        int manager_port = manager_url_ && manager_url_->explicit_port
                               ? manager_url_->port
                               : management_api_default_port;
        if (parsed.port == manager_port || manager_.contains(parsed.port)) return;
        for (const Reach* server_side : {&http_, &websocket_}) {
            if (!server_side->listener || !server_side->contains(parsed.port)) continue;
            Finding finding = make_finding(
                "url.wrong-service", Severity::error,
                url_label(url) + " uses port " + std::to_string(parsed.port) + ", which reaches " +
                    listener_place(*server_side->listener) +
                    ", but with manager-api.url set the OTA endpoint is the management API's "
                    "on port " +
                    std::to_string(manager_port),
                url.key, url.origin, "use " + with_port(url.text, manager_port));
            finding.related.push_back(server_side->listener->origin);
            out_.push_back(std::move(finding));
            return;
        }
        if (!manager_url_ || lower(manager_url_->host) != lower(parsed.host)) return;
        Severity severity = mismatch_severity(parsed);
        out_.push_back(
            make_finding("url.port-mismatch", severity,
                         url_label(url) + " advertises port " + std::to_string(parsed.port) +
                             ", but the management API at manager-api.url listens on " +
                             std::to_string(manager_port) + proxy_note(severity),
                         url.key, url.origin, "use " + with_port(url.text, manager_port)));
    }

    const Inputs& inputs_;
    Findings& out_;
    ServiceListeners listeners_;
    Reach websocket_;
    Reach http_;
    Reach manager_;
    bool manager_configured_ = false;
    std::optional<deploy::Url> manager_url_;
};

}  // namespace

void check_url_ports(const Inputs& inputs, Findings& out) {
    UrlPortCheck check(inputs, out);
    for (const auto& url : inputs.model.advertised) {
        if (url.kind != deploy::UrlKind::websocket && url.kind != deploy::UrlKind::vision &&
            url.kind != deploy::UrlKind::ota) {
            continue;
        }
        if (url.derived) {
            check.check_derived(url);
            continue;
        }
        if (url.text.empty() || is_unsplit_list(url, inputs)) continue;
        auto parsed = deploy::parse_url(url.text);
        if (parsed) check.check(url, *parsed);
    }
}

}  // namespace xiaozhi::analysis
