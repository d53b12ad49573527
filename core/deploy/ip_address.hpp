// IPv4 and IPv6 address literals: parsing, canonical text and prefix tests.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::deploy {

struct IpAddress {
    enum class Family { v4, v6 };
    Family family = Family::v4;
    std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4

    bool is_v4() const { return family == Family::v4; }
    // ::ffff:a.b.c.d
    bool is_v4_mapped() const;
    // The IPv4 address of an IPv4-mapped IPv6 address; any other address unchanged.
    IpAddress unmapped() const;
    bool is_unspecified() const;
    // Whether the first `bits` bits equal those of `network` (same family).
    bool in_prefix(const IpAddress& network, int bits) const;

    friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// Dotted quad: four decimal numbers 0..255 without leading zeros.
std::optional<IpAddress> parse_ipv4(std::string_view text);
// RFC 4291 text form, with "::" and an optional trailing dotted quad; no zone, no brackets.
std::optional<IpAddress> parse_ipv6(std::string_view text);
// Either family; "[...]" brackets around an IPv6 literal are accepted.
std::optional<IpAddress> parse_ip(std::string_view text);

// Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run
// as "::", IPv4-mapped addresses as ::ffff:a.b.c.d).
std::string format_ip(const IpAddress& address);

}  // namespace xiaozhi::deploy
