// upstream.loop, upstream.loopback-in-container, upstream.not-listening: where each upstream URL
// leads from where serve runs (xiaozhi runtime).
#include <algorithm>
#include <string>
#include <vector>

#include "analysis/deployment_view.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/tls_view.hpp"
#include "analysis/upstream_view.hpp"
#include "analysis/url_text.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

// Whether `listener` is serve's listener for what `url` asks of it (sessions or OTA requests).
bool serves(const UpstreamUrl& url, const deploy::Listener& listener) {
    if (listener.transport != deploy::Transport::tcp) return false;
    if (listener.service == "http+websocket") return true;
    return listener.service == (url.websocket ? "websocket" : "http");
}

std::string listener_place(const deploy::Listener& listener) {
    std::string label =
        is_tls_port_listener(listener) ? "the TLS listener" : service_label(listener);
    return label + " (" + listener.key + ", " + listener.origin.to_string() + ")";
}

std::string relayed_back(const UpstreamUrl& url) {
    return url.websocket ? "every device session would be relayed back to serve"
                         : "every OTA request would be passed back to serve";
}

class UpstreamReach {
  public:
    UpstreamReach(const Inputs& inputs, Findings& out)
        : inputs_(inputs),
          out_(out),
          bridge_(inputs.model.placement == deploy::Placement::bridge) {}

    void check(const UpstreamUrl& url) const {
        const deploy::Url& parsed = *url.entry.parsed;
        if (const deploy::Listener* listener = own_listener(url, parsed)) {
            loop_to_listener(url, *listener);
        } else if (const deploy::AdvertisedUrl* advertised = own_address(url, parsed)) {
            loop_to_address(url, *advertised);
        } else if (bridge_ && deploy::is_loopback(parsed.host)) {
            loopback_in_container(url, parsed);
        } else {
            check_listening(url, parsed);
        }
    }

  private:
    bool is_server_ip(const std::string& host) const {
        auto server_ip = configured_string(inputs_.effective, "server.ip");
        return server_ip && !deploy::is_unspecified(*server_ip) && lower(*server_ip) == host;
    }

    bool is_advertise_host(const std::string& host) const {
        auto advertise = configured_string(inputs_.effective, "server.advertise_host");
        return advertise && lower(*advertise) == host;
    }

    // A host that is serve's own network namespace: the container's in a bridge network
    // (loopback, its compose service name), else this host's.
    bool is_own_namespace(const std::string& host) const {
        if (deploy::is_loopback(host) || deploy::is_unspecified(host)) return true;
        if (bridge_) return host == lower(inputs_.model.server_service);
        return is_server_ip(host) || (inputs_.host.probed && inputs_.host.is_local_address(host));
    }

    // A host by which the ports this host publishes reach serve's container.
    bool reaches_published_ports(const std::string& host) const {
        if (is_advertise_host(host)) return true;
        return bridge_ && inputs_.host.probed && inputs_.host.is_local_address(host);
    }

    // The ports of this host that reach `listener`: in a bridge network those compose
    // publishes for it, else its own.
    std::vector<int> outside_ports(const deploy::Listener& listener) const {
        if (!bridge_) return {listener.port};
        std::vector<int> ports;
        for (const auto* mapping : mappings_to(server_mappings(inputs_.model), listener.port)) {
            ports.push_back(mapping->host_port);
        }
        return ports;
    }

    // The listener of serve that the URL reaches, if any.
    const deploy::Listener* own_listener(const UpstreamUrl& url, const deploy::Url& parsed) const {
        const std::string host = lower(parsed.host);
        for (const deploy::Listener& listener : inputs_.model.listeners) {
            if (!serves(url, listener)) continue;
            if (is_own_namespace(host) && listener.port == parsed.port &&
                deploy::bind_addresses_overlap(listener.address, host, inputs_.host.bindv6only)) {
                return &listener;
            }
            const std::vector<int> ports = outside_ports(listener);
            if (reaches_published_ports(host) &&
                std::find(ports.begin(), ports.end(), parsed.port) != ports.end()) {
                return &listener;
            }
        }
        return nullptr;
    }

    // The address devices are given for serve that the URL repeats (host and port), if any.
    const deploy::AdvertisedUrl* own_address(const UpstreamUrl& url,
                                             const deploy::Url& parsed) const {
        for (const deploy::AdvertisedUrl& advertised : inputs_.model.advertised) {
            const bool same_service = url.websocket
                                          ? advertised.kind == deploy::UrlKind::websocket
                                          : advertised.kind == deploy::UrlKind::ota ||
                                                advertised.kind == deploy::UrlKind::vision;
            if (!same_service || advertised.derived) continue;
            auto own = deploy::parse_url(advertised.text);
            if (own && lower(own->host) == lower(parsed.host) && own->port == parsed.port) {
                return &advertised;
            }
        }
        return nullptr;
    }

    void loop_to_listener(const UpstreamUrl& url, const deploy::Listener& listener) const {
        Finding finding = make_finding(
            "upstream.loop", Severity::error,
            url.label + " points at " + listener_place(listener) +
                ", which is serve itself: " + relayed_back(url),
            url.key, url.origin,
            "use the conversation server's address and port (on this host it needs a port other "
            "than serve's " +
                std::to_string(listener.port) + ")");
        finding.related.push_back(listener.origin);
        out_.push_back(std::move(finding));
    }

    void loop_to_address(const UpstreamUrl& url, const deploy::AdvertisedUrl& advertised) const {
        Finding finding =
            make_finding("upstream.loop", Severity::error,
                         url.label + " is the address devices are given for serve (" +
                             url_label(advertised) + "): " + relayed_back(url),
                         url.key, url.origin, "use the conversation server's own address and port");
        finding.related.push_back(advertised.origin);
        out_.push_back(std::move(finding));
    }

    void loopback_in_container(const UpstreamUrl& url, const deploy::Url& parsed) const {
        const std::vector<std::string>& services = inputs_.model.other_services;
        std::string suggestion;
        if (services.empty()) {
            suggestion =
                "use the conversation server's compose service name, or this host's LAN "
                "address (" +
                derived_host(inputs_.host) + ")";
        } else {
            suggestion = "use the conversation server's compose service name, e.g. " +
                         with_host(url.entry.url, services.front());
            if (services.size() > 1) {
                std::string names;
                for (const std::string& name : services)
                    names += (names.empty() ? "" : ", ") + name;
                suggestion += " (the project's other services: " + names + ")";
            }
        }
        out_.push_back(make_finding(
            "upstream.loopback-in-container", Severity::warning,
            url.label + " points at " + parsed.host +
                ", a loopback address, but serve runs in the container of compose service " +
                inputs_.model.server_service +
                " (a bridge network), where loopback is that container itself, not this host or "
                "another service",
            url.key, url.origin, std::move(suggestion)));
    }

    // Whether a TCP socket of this host listens on `port` at an address `host` reaches.
    bool listening(const std::string& host, int port) const {
        const std::vector<std::string> addresses =
            host == "localhost" ? std::vector<std::string>{"127.0.0.1", "::1"}
                                : std::vector<std::string>{host};
        return std::any_of(
            inputs_.host.sockets.begin(), inputs_.host.sockets.end(),
            [&](const host::Socket& socket) {
                return socket.transport == deploy::Transport::tcp && socket.port == port &&
                       std::any_of(addresses.begin(), addresses.end(), [&](const std::string& a) {
                           return deploy::bind_addresses_overlap(socket.address, a,
                                                                 inputs_.host.bindv6only);
                       });
            });
    }

    void check_listening(const UpstreamUrl& url, const deploy::Url& parsed) const {
        if (!inputs_.host.probed) return;
        const std::string host = lower(parsed.host);
        // In a bridge container loopback is the container's, which the probe does not see.
        const bool on_this_host =
            bridge_ ? !deploy::is_loopback(host) && inputs_.host.is_local_address(host)
                    : deploy::is_unspecified(host) || inputs_.host.is_local_address(host);
        if (!on_this_host || listening(host, parsed.port)) return;
        out_.push_back(make_finding(
            "upstream.not-listening", Severity::warning,
            url.label + " names this host at port " + std::to_string(parsed.port) +
                ", where nothing listens now: it may start later, and until it does " +
                (url.websocket ? "every relayed session fails" : "OTA requests fall back"),
            url.key, url.origin,
            "start the conversation server on port " + std::to_string(parsed.port) +
                " before devices connect, or correct the port"));
    }

    const Inputs& inputs_;
    Findings& out_;
    bool bridge_;
};

}  // namespace

void check_upstream_reach(const Inputs& inputs, Findings& out) {
    if (inputs.model.runtime != deploy::Runtime::xiaozhi) return;
    UpstreamReach reach(inputs, out);
    for (const UpstreamUrl& url : upstream_urls(inputs.effective)) {
        if (url.entry.parsed) reach.check(url);
    }
}

}  // namespace xiaozhi::analysis
