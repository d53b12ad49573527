// Classification of URL hosts and bind addresses: loopback, unspecified, container ranges, overlap.
#include <algorithm>
#include <cctype>
#include <string>

#include "deploy/ip_address.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::deploy {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A host name without a trailing dot, lower-cased.
std::string normalized_name(std::string_view host) {
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);
    return lower(host);
}

bool is_localhost_name(std::string_view host) {
    return normalized_name(host) == "localhost";
}

// The address of a literal, IPv4-mapped addresses as IPv4.
std::optional<IpAddress> literal(std::string_view host) {
    std::optional<IpAddress> address = parse_ip(host);
    if (!address) return std::nullopt;
    return address->unmapped();
}

bool in_v4_prefix(std::string_view host, std::string_view network, int bits) {
    std::optional<IpAddress> address = literal(host);
    return address && address->in_prefix(*parse_ipv4(network), bits);
}

// A bind address as the kernel sees it: "localhost" is 127.0.0.1; "" and "*" mean everything.
struct BindAddress {
    bool everything = false;
    std::optional<IpAddress> ip;
    std::string name;  // a host name that is not an address literal
};

BindAddress bind_address(std::string_view text) {
    BindAddress bind;
    if (text.empty() || text == "*") {
        bind.everything = true;
    } else if (is_localhost_name(text)) {
        bind.ip = parse_ipv4("127.0.0.1");
    } else {
        bind.ip = literal(text);
        if (!bind.ip) bind.name = normalized_name(text);
    }
    return bind;
}

}  // namespace

bool is_ip_literal(std::string_view host) {
    return parse_ip(host).has_value();
}

bool is_unspecified(std::string_view host) {
    std::optional<IpAddress> address = literal(host);
    return address && address->is_unspecified();
}

bool is_loopback(std::string_view host) {
    if (is_localhost_name(host)) return true;
    std::optional<IpAddress> address = literal(host);
    if (!address) return false;
    if (address->is_v4()) return address->bytes[0] == 127;
    return *address == *parse_ipv6("::1");
}

bool is_container_bridge(std::string_view host) {
    return in_v4_prefix(host, "172.16.0.0", 12);
}

bool is_docker_desktop(std::string_view host) {
    std::string name = normalized_name(host);
    if (name == "host.docker.internal" || name == "gateway.docker.internal") return true;
    return in_v4_prefix(host, "192.168.65.0", 24);
}

bool bind_addresses_overlap(std::string_view bind_a, std::string_view bind_b, bool v6only) {
    BindAddress a = bind_address(bind_a);
    BindAddress b = bind_address(bind_b);
    if (a.everything || b.everything) return true;
    if (!a.ip && !b.ip) return a.name == b.name;
    // A host name binds whatever it resolves to: inside an unspecified address of either family.
    if (!a.ip || !b.ip) return (a.ip ? *a.ip : *b.ip).is_unspecified();
    if (*a.ip == *b.ip) return true;
    if (a.ip->family == b.ip->family) return a.ip->is_unspecified() || b.ip->is_unspecified();
    const IpAddress& v6 = a.ip->is_v4() ? *b.ip : *a.ip;
    return v6.is_unspecified() && !v6only;
}

}  // namespace xiaozhi::deploy
