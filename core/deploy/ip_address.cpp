// Parsing and formatting of IPv4 and IPv6 address literals.
#include "deploy/ip_address.hpp"

#include <cstdio>
#include <vector>

namespace xiaozhi::deploy {

namespace {

constexpr std::array<std::uint8_t, 12> v4_mapped_prefix = {0, 0, 0, 0, 0,    0,
                                                           0, 0, 0, 0, 0xff, 0xff};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// One group of 1..4 hex digits.
std::optional<std::uint16_t> parse_group(std::string_view group) {
    if (group.empty() || group.size() > 4) return std::nullopt;
    unsigned value = 0;
    for (char c : group) {
        int digit = hex_value(c);
        if (digit < 0) return std::nullopt;
        value = value * 16 + static_cast<unsigned>(digit);
    }
    return static_cast<std::uint16_t>(value);
}

std::vector<std::string_view> split_colons(std::string_view text) {
    std::vector<std::string_view> parts;
    if (text.empty()) return parts;
    std::size_t start = 0;
    while (true) {
        std::size_t colon = text.find(':', start);
        parts.push_back(text.substr(start, colon - start));
        if (colon == std::string_view::npos) break;
        start = colon + 1;
    }
    return parts;
}

// Groups of one side of "::" (or of the whole address); the last may be a dotted quad.
std::optional<std::vector<std::uint16_t>> parse_groups(std::string_view text, bool allow_quad) {
    std::vector<std::uint16_t> groups;
    std::vector<std::string_view> parts = split_colons(text);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        bool last = i + 1 == parts.size();
        if (last && allow_quad && parts[i].find('.') != std::string_view::npos) {
            std::optional<IpAddress> quad = parse_ipv4(parts[i]);
            if (!quad) return std::nullopt;
            groups.push_back(static_cast<std::uint16_t>(quad->bytes[0] << 8 | quad->bytes[1]));
            groups.push_back(static_cast<std::uint16_t>(quad->bytes[2] << 8 | quad->bytes[3]));
            continue;
        }
        std::optional<std::uint16_t> group = parse_group(parts[i]);
        if (!group) return std::nullopt;
        groups.push_back(*group);
    }
    return groups;
}

}  // namespace

bool IpAddress::is_v4_mapped() const {
    if (family != Family::v6) return false;
    for (std::size_t i = 0; i < v4_mapped_prefix.size(); ++i) {
        if (bytes[i] != v4_mapped_prefix[i]) return false;
    }
    return true;
}

IpAddress IpAddress::unmapped() const {
    if (!is_v4_mapped()) return *this;
    IpAddress v4;
    for (std::size_t i = 0; i < 4; ++i) v4.bytes[i] = bytes[12 + i];
    return v4;
}

bool IpAddress::is_unspecified() const {
    std::size_t size = is_v4() ? 4 : 16;
    for (std::size_t i = 0; i < size; ++i) {
        if (bytes[i] != 0) return false;
    }
    return true;
}

bool IpAddress::in_prefix(const IpAddress& network, int bits) const {
    if (family != network.family) return false;
    for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
        unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
        if ((bytes[i] & mask) != (network.bytes[i] & mask)) return false;
    }
    return true;
}

std::optional<IpAddress> parse_ipv4(std::string_view text) {
    IpAddress address;
    std::size_t part = 0;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = text.find('.', start);
        std::string_view number = text.substr(start, dot - start);
        if (part == 4 || number.empty() || number.size() > 3) return std::nullopt;
        if (number.size() > 1 && number[0] == '0') return std::nullopt;
        unsigned value = 0;
        for (char c : number) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (value > 255) return std::nullopt;
        address.bytes[part++] = static_cast<std::uint8_t>(value);
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    if (part != 4) return std::nullopt;
    return address;
}

std::optional<IpAddress> parse_ipv6(std::string_view text) {
    if (text.size() < 2 || text.size() > 45) return std::nullopt;
    std::vector<std::uint16_t> groups;
    std::size_t gap = text.find("::");
    if (gap == std::string_view::npos) {
        std::optional<std::vector<std::uint16_t>> all = parse_groups(text, true);
        if (!all || all->size() != 8) return std::nullopt;
        groups = *all;
    } else {
        std::string_view head = text.substr(0, gap);
        std::string_view tail = text.substr(gap + 2);
        if (tail.find("::") != std::string_view::npos) return std::nullopt;
        std::optional<std::vector<std::uint16_t>> front = parse_groups(head, false);
        std::optional<std::vector<std::uint16_t>> back = parse_groups(tail, true);
        if (!front || !back || front->size() + back->size() > 7) return std::nullopt;
        groups = *front;
        groups.resize(8 - back->size(), 0);
        groups.insert(groups.end(), back->begin(), back->end());
    }
    IpAddress address;
    address.family = IpAddress::Family::v6;
    for (std::size_t i = 0; i < 8; ++i) {
        address.bytes[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
        address.bytes[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xff);
    }
    return address;
}

std::optional<IpAddress> parse_ip(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        return parse_ipv6(text.substr(1, text.size() - 2));
    }
    if (text.find(':') != std::string_view::npos) return parse_ipv6(text);
    return parse_ipv4(text);
}

std::string format_ip(const IpAddress& address) {
    char buffer[64];
    if (address.is_v4() || address.is_v4_mapped()) {
        const std::uint8_t* b = address.bytes.data() + (address.is_v4() ? 0 : 12);
        std::snprintf(buffer, sizeof buffer, "%s%u.%u.%u.%u",
                      address.is_v4() ? "" : "::ffff:", b[0], b[1], b[2], b[3]);
        return buffer;
    }
    std::array<unsigned, 8> groups{};
    for (std::size_t i = 0; i < 8; ++i) {
        groups[i] = static_cast<unsigned>(address.bytes[2 * i] << 8 | address.bytes[2 * i + 1]);
    }
    int best_start = -1;
    int best_length = 1;
    for (int i = 0; i < 8;) {
        if (groups[static_cast<std::size_t>(i)] != 0) {
            ++i;
            continue;
        }
        int start = i;
        while (i < 8 && groups[static_cast<std::size_t>(i)] == 0) ++i;
        if (i - start > best_length) {
            best_start = start;
            best_length = i - start;
        }
    }
    std::string text;
    for (int i = 0; i < 8; ++i) {
        if (i == best_start) {
            text += "::";
            i += best_length - 1;
            continue;
        }
        if (!text.empty() && text.back() != ':') text += ':';
        std::snprintf(buffer, sizeof buffer, "%x", groups[static_cast<std::size_t>(i)]);
        text += buffer;
    }
    return text;
}

}  // namespace xiaozhi::deploy
