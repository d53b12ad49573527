// URL parsing for the addresses handed to devices (ws, wss, http, https, mqtt endpoints).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::deploy {

struct Url {
    std::string scheme;  // lower-case: "ws", "wss", "http", "https"
    std::string host;    // without brackets for IPv6 literals
    int port = 0;        // explicit port, or the scheme's default
    bool explicit_port = false;
    std::string path;  // "/" when empty
    std::string query;
};

struct UrlError {
    std::string message;  // e.g. "port \"4:8015\" is not a number"
};

// Parses scheme://host[:port][/path][?query]. Rejects a missing scheme or host,
// a non-numeric or out-of-range port, spaces, and an IPv4-looking host that is not a valid address.
std::optional<Url> parse_url(std::string_view text, UrlError* error = nullptr);

// `host` as it stands in a URL: an IPv6 literal in brackets (once), anything else as it is.
std::string url_host(std::string_view host);

// The Host header of a request to `url`: url_host, and ":port" when the URL names its port.
std::string host_header(const Url& url);

// host:port endpoints (mqtt_gateway, udp_gateway). `default_port` applies when
// `allow_missing_port`; returns nullopt with a message otherwise.
struct Endpoint {
    std::string host;
    int port = 0;
};
std::optional<Endpoint> parse_endpoint(std::string_view text, bool allow_missing_port,
                                       int default_port, UrlError* error = nullptr);

// Whether a configured URL is still the reference's template text (contains "你的",
// "your ip", "your-ip", "your domain", "<ip>" ...): the server then derives an address itself.
bool is_placeholder(std::string_view text);

// Address classification used by the url.* rules.
bool is_ip_literal(std::string_view host);
bool is_unspecified(std::string_view host);       // 0.0.0.0, ::
bool is_loopback(std::string_view host);          // 127.0.0.0/8, ::1, localhost
bool is_container_bridge(std::string_view host);  // 172.16.0.0/12
bool is_docker_desktop(std::string_view host);    // host.docker.internal, 192.168.65.0/24

// Whether a listener bound to `bind_a` and one bound to `bind_b` (same transport
// and port) collide: equal, or one unspecified covering the other's family;
// "::" covers IPv4 too unless `v6only`. ::ffff:a.b.c.d counts as IPv4 a.b.c.d,
// "localhost" as 127.0.0.1; "" and "*" mean every address of both families; a
// host name overlaps itself and the unspecified addresses.
bool bind_addresses_overlap(std::string_view bind_a, std::string_view bind_b, bool v6only);

}  // namespace xiaozhi::deploy
