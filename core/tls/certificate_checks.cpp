// covers_host (RFC 6125 name matching) and validity_at over CertificateFacts.
#include "tls/certificate_checks.hpp"

#include <arpa/inet.h>

#include <array>
#include <optional>
#include <string>

namespace xiaozhi::tls {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// The 4 or 16 bytes of an IP literal, or nullopt when `text` is a DNS name.
std::optional<std::string> ip_bytes(std::string_view text) {
    std::string literal(text);
    std::array<unsigned char, 16> bytes{};
    if (inet_pton(AF_INET, literal.c_str(), bytes.data()) == 1)
        return std::string(reinterpret_cast<const char*>(bytes.data()), 4);
    if (inet_pton(AF_INET6, literal.c_str(), bytes.data()) == 1)
        return std::string(reinterpret_cast<const char*>(bytes.data()), 16);
    return std::nullopt;
}

// `pattern` (lower case) against `host` (lower case, no trailing dot). "*." only as the whole
// leftmost label, standing for exactly one non-empty label, with at least two labels after it.
bool dns_name_matches(std::string_view pattern, std::string_view host) {
    if (!pattern.empty() && pattern.back() == '.') pattern.remove_suffix(1);
    if (pattern.empty() || host.empty()) return false;
    if (!pattern.starts_with("*.")) return pattern == host;
    std::string_view suffix = pattern.substr(1);  // ".example.com"
    if (suffix.find('.', 1) == std::string_view::npos) return false;
    if (suffix.find('*') != std::string_view::npos) return false;
    std::size_t first_dot = host.find('.');
    if (first_dot == 0 || first_dot == std::string_view::npos) return false;
    return host.substr(first_dot) == suffix;
}

}  // namespace

bool covers_host(const CertificateFacts& leaf, std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty()) return false;
    if (std::optional<std::string> address = ip_bytes(host)) {
        for (const std::string& entry : leaf.ip_addresses)
            if (ip_bytes(entry) == address) return true;
        return false;
    }
    std::string name = lower(host);
    if (name.back() == '.') name.pop_back();
    for (const std::string& entry : leaf.dns_names)
        if (dns_name_matches(lower(entry), name)) return true;
    const bool has_no_san =
        !leaf.has_subject_alt_name && leaf.dns_names.empty() && leaf.ip_addresses.empty();
    return has_no_san && !ip_bytes(leaf.common_name) &&
           dns_name_matches(lower(leaf.common_name), name);
}

Validity validity_at(const CertificateFacts& leaf, std::chrono::system_clock::time_point now,
                     std::chrono::seconds warn_before) {
    if (now < leaf.not_before) return Validity::not_yet_valid;
    if (now > leaf.not_after) return Validity::expired;
    if (leaf.not_after - now <= warn_before) return Validity::expiring;
    return Validity::valid;
}

std::string_view validity_name(Validity validity) {
    switch (validity) {
        case Validity::valid:
            return "valid";
        case Validity::expiring:
            return "expiring";
        case Validity::expired:
            return "expired";
        case Validity::not_yet_valid:
            return "not_yet_valid";
    }
    return "valid";
}

}  // namespace xiaozhi::tls
