// url.tls-no-listener, url.wss-on-plain-port, url.plain-on-tls-port, tls.host-not-covered:
// advertised URLs against the listeners that speak TLS (runtime xiaozhi with TLS in use).
#include <algorithm>
#include <optional>
#include <string>

#include "analysis/deployment_view.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/tls_view.hpp"
#include "analysis/url_text.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"
#include "tls/certificate_checks.hpp"

namespace xiaozhi::analysis {

namespace {

bool serves_websocket(const deploy::Listener& listener) {
    return listener.service == "websocket" || listener.service == "http+websocket";
}

bool serves(deploy::UrlKind kind, const deploy::Listener& listener) {
    if (kind == deploy::UrlKind::websocket) return serves_websocket(listener);
    return listener.service == "http" || listener.service == "http+websocket";
}

std::string listener_place(const deploy::Listener& listener) {
    std::string label =
        is_tls_port_listener(listener) ? "the TLS listener" : service_label(listener);
    return label + " (" + listener.key + ", " + listener.origin.to_string() + ")";
}

class TlsUrlCheck {
  public:
    TlsUrlCheck(const Inputs& inputs, Findings& out) : inputs_(inputs), out_(out) {}

    void check(const deploy::AdvertisedUrl& url, const deploy::Url& parsed) const {
        const bool secure = parsed.scheme == "wss" || parsed.scheme == "https";
        const deploy::Listener* tls_at = listener_at(parsed.port, true);
        const deploy::Listener* plain_at = listener_at(parsed.port, false);
        if (!secure) {
            if (tls_at && !plain_at) plain_on_tls_port(url, parsed, *tls_at);
            return;
        }
        if (tls_at && !serves(url.kind, *tls_at)) {
            wrong_service(url, parsed, *tls_at);
        } else if (tls_at) {
            check_host(url.key, url_label(url), parsed.host, url.origin);
        } else if (plain_at) {
            tls_on_plain_port(url, parsed, *plain_at);
        } else if (url.kind != deploy::UrlKind::vision) {
            // A vision URL of another port may be a vision service of its own.
            no_tls_listener(url, parsed);
            check_host(url.key, url_label(url), parsed.host, url.origin);
        }
    }

    // The host serve derives URLs with (server.advertise_host, else a specific server.ip)
    // when those URLs are TLS ones.
    void check_derived_host() const {
        if (!derives_tls_urls()) return;
        for (const char* key : {"server.advertise_host", "server.ip"}) {
            auto host = configured_string(inputs_.effective, key);
            if (!host) continue;
            if (deploy::is_unspecified(*host) || *host == "*") return;
            config::Origin origin = inputs_.effective.origin_of(key);
            check_host(key,
                       std::string(key) + " " + quote_text(*host) + " (" + origin.to_string() + ")",
                       *host, origin);
            return;
        }
    }

  private:
    // The TCP listener (TLS or plain) that port `port` reaches, compose mappings included.
    const deploy::Listener* listener_at(int port, bool tls) const {
        for (const deploy::Listener& listener : inputs_.model.listeners) {
            if (listener.tls != tls || listener.transport != deploy::Transport::tcp ||
                listener.service == "manager-api") {
                continue;
            }
            std::vector<int> ports = reach_ports(inputs_.model, &listener);
            if (std::find(ports.begin(), ports.end(), port) != ports.end()) return &listener;
        }
        return nullptr;
    }

    // The port devices reach the first TLS listener on, if there is one.
    std::optional<int> tls_port() const {
        auto listeners = tls_listeners(inputs_.model);
        if (listeners.empty()) return std::nullopt;
        return reach_ports(inputs_.model, listeners.front()).front();
    }

    std::string tls_fix(const deploy::AdvertisedUrl& url) const {
        if (auto port = tls_port()) return "use " + with_port(url.text, *port);
        return "set server.tls.port for a TLS listener (or server.tls.listeners) and its "
               "certificate";
    }

    void push(Finding finding, const deploy::Listener* listener) const {
        if (listener) finding.related.push_back(listener->origin);
        out_.push_back(std::move(finding));
    }

    void plain_on_tls_port(const deploy::AdvertisedUrl& url, const deploy::Url& parsed,
                           const deploy::Listener& listener) const {
        const bool websocket = url.kind == deploy::UrlKind::websocket;
        push(make_finding(
                 "url.plain-on-tls-port", Severity::error,
                 url_label(url) + " is plain " + parsed.scheme + ":// at port " +
                     std::to_string(parsed.port) + ", which reaches " + listener_place(listener) +
                     ", a TLS-only listener: the device's plain request fails",
                 url.key, url.origin, "use " + with_scheme(url.text, websocket ? "wss" : "https")),
             &listener);
    }

    void wrong_service(const deploy::AdvertisedUrl& url, const deploy::Url& parsed,
                       const deploy::Listener& listener) const {
        push(make_finding("url.wrong-service", Severity::error,
                          url_label(url) + " uses port " + std::to_string(parsed.port) +
                              ", which reaches " + listener_place(listener) +
                              ", a TLS listener of another service",
                          url.key, url.origin, tls_fix(url)),
             &listener);
    }

    void tls_on_plain_port(const deploy::AdvertisedUrl& url, const deploy::Url& parsed,
                           const deploy::Listener& listener) const {
        const std::string at = url_label(url) + " asks for TLS (" + parsed.scheme +
                               "://) at port " + std::to_string(parsed.port) + ", but ";
        std::string fix = tls_fix(url) + ", or add " +
                          (listener.service == "http" ? "\"http\"" : "\"websocket\"") +
                          " to server.tls.listeners";
        if (url.kind == deploy::UrlKind::websocket && parsed.scheme == "wss" &&
            serves_websocket(listener)) {
            push(make_finding("url.wss-on-plain-port", Severity::error,
                              at + "the WebSocket port speaks plain ws: it reaches " +
                                  listener_place(listener) + ", so the TLS handshake fails",
                              url.key, url.origin, fix),
                 &listener);
            return;
        }
        push(make_finding("url.tls-no-listener", Severity::error,
                          at + "that port reaches " + listener_place(listener) +
                              ", a plain listener: the TLS handshake fails",
                          url.key, url.origin, fix),
             &listener);
    }

    void no_tls_listener(const deploy::AdvertisedUrl& url, const deploy::Url& parsed) const {
        const bool local = is_this_machine(parsed.host, inputs_);
        std::string message = url_label(url) + " asks for TLS at port " +
                              std::to_string(parsed.port) + ", where no TLS listener of serve is";
        if (auto port = tls_port()) message += " (it speaks TLS on " + std::to_string(*port) + ")";
        if (!local) message += "; fine only if something in front forwards the port to it";
        out_.push_back(make_finding("url.tls-no-listener",
                                    local ? Severity::error : Severity::warning, message, url.key,
                                    url.origin, tls_fix(url)));
    }

    void check_host(const std::string& key, const std::string& label, const std::string& host,
                    const config::Origin& origin) const {
        const deploy::TlsCertificate* certificate = certificate_for_host(inputs_, host);
        if (!certificate) return;
        const tls::CertificatePair* pair = tls_file_of(inputs_, *certificate);
        if (!pair || pair->chain.empty()) return;
        const tls::CertificateFacts& leaf = pair->chain.front();
        if (tls::covers_host(leaf, host)) return;
        const std::string names = names_text(leaf);
        Finding finding = make_finding(
            "tls.host-not-covered", Severity::error,
            label + " names " + host + ", but the certificate serve presents for it (" +
                certificate->cert_key + " " + quote_text(certificate->cert_path) + ", " +
                certificate->cert_origin.to_string() + ") covers " + names +
                ": devices refuse the TLS handshake",
            key, origin,
            "use a host the certificate covers (" + names + "), or a certificate that names " +
                host);
        finding.related.push_back(certificate->cert_origin);
        out_.push_back(std::move(finding));
    }

    bool derives_tls_urls() const {
        ServiceListeners services = service_listeners(inputs_.model);
        auto explicit_url = [this](deploy::UrlKind kind) {
            return std::any_of(inputs_.model.advertised.begin(), inputs_.model.advertised.end(),
                               [kind](const deploy::AdvertisedUrl& url) {
                                   return url.kind == kind && !url.derived;
                               });
        };
        for (const deploy::Listener* listener : tls_listeners(inputs_.model)) {
            if (is_tls_port_listener(*listener)) return true;  // downloads, and OTA's default
        }
        if (services.http && services.http->tls) return true;  // firmware downloads
        return services.websocket && services.websocket->tls &&
               !explicit_url(deploy::UrlKind::websocket);
    }

    const Inputs& inputs_;
    Findings& out_;
};

}  // namespace

void check_tls_urls(const Inputs& inputs, Findings& out) {
    if (!tls_in_use(inputs)) return;
    TlsUrlCheck check(inputs, out);
    const bool manager_ota = manager_api_configured(inputs.effective);
    for (const auto& url : inputs.model.advertised) {
        const bool device_url = url.kind == deploy::UrlKind::websocket ||
                                url.kind == deploy::UrlKind::vision ||
                                url.kind == deploy::UrlKind::ota;
        if (!device_url || url.derived || url.text.empty()) continue;
        if (url.kind == deploy::UrlKind::ota && manager_ota) continue;  // the management API's
        if (auto parsed = deploy::parse_url(url.text)) check.check(url, *parsed);
    }
    check.check_derived_host();
}

}  // namespace xiaozhi::analysis
