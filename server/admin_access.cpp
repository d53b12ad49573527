// Admin API access: peer networks through deploy::IpAddress, the bearer token in constant time.
#include "admin_access.hpp"

#include <charconv>

#include "deploy/ip_address.hpp"
#include "error_response.hpp"
#include "protocol/crypto.hpp"
#include "protocol/device_token.hpp"

namespace xiaozhi::server {

namespace {

std::optional<deploy::IpAddress> peer_ip(std::string_view peer) {
    peer = peer.substr(0, peer.find('%'));  // an IPv6 zone ("fe80::1%eth0") names no network
    std::optional<deploy::IpAddress> address = deploy::parse_ip(peer);
    if (address) address = address->unmapped();
    return address;
}

bool in_network(const deploy::IpAddress& address, std::string_view network) {
    const std::size_t slash = network.find('/');
    std::optional<deploy::IpAddress> base = deploy::parse_ip(network.substr(0, slash));
    if (!base) return false;
    *base = base->unmapped();
    const int width = base->is_v4() ? 32 : 128;
    int bits = width;
    if (slash != std::string_view::npos) {
        const std::string_view text = network.substr(slash + 1);
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), bits);
        if (text.empty() || error != std::errc{} || end != text.data() + text.size() || bits < 0 ||
            bits > width) {
            return false;
        }
    }
    return address.in_prefix(*base, bits);
}

}  // namespace

bool peer_allowed(std::string_view peer, const std::vector<std::string>& allowed) {
    const std::optional<deploy::IpAddress> address = peer_ip(peer);
    if (!address) return false;
    if (in_network(*address, "127.0.0.0/8") || in_network(*address, "::1/128")) return true;
    for (const std::string& network : allowed) {
        if (in_network(*address, network)) return true;
    }
    return false;
}

std::optional<HttpResponse> admin_refusal(const HttpRequest& request,
                                          const ServerSettings& settings) {
    if (settings.admin_token.empty()) {
        return error_response(404, "not found: " + request.path + " (the admin API is off)");
    }
    if (!peer_allowed(request.peer_address, settings.admin_allow)) {
        return error_response(403, "the admin API does not answer " + request.peer_address +
                                       "; add its network to server.admin_allow");
    }
    const std::string authorization = request.header("Authorization");
    const std::optional<std::string_view> token = protocol::bearer_token(authorization);
    if (!token || !protocol::constant_time_equal(*token, settings.admin_token)) {
        HttpResponse response = error_response(
            401, token ? "wrong admin token" : "missing Authorization: Bearer <admin token>");
        response.set_header("WWW-Authenticate", "Bearer realm=\"xiaozhi admin\"");
        return response;
    }
    return std::nullopt;
}

}  // namespace xiaozhi::server
