// Parsing the text of /proc/net tables, fib_trie, if_inet6, sysctl and status files.
#include "host/proc_text.hpp"

#include <algorithm>
#include <cstring>

#include "deploy/ip_address.hpp"

namespace xiaozhi::host::proc {

namespace {

std::optional<std::uint64_t> parse_hex(std::string_view text) {
    if (text.empty() || text.size() > 16) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        int digit = (c >= '0' && c <= '9')   ? c - '0'
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                             : -1;
        if (digit < 0) return std::nullopt;
        value = value * 16 + static_cast<std::uint64_t>(digit);
    }
    return value;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

std::string_view trim(std::string_view text) {
    std::size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return {};
    std::size_t end = text.find_last_not_of(" \t\r\n");
    return text.substr(start, end - start + 1);
}

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < line.size()) {
        std::size_t start = line.find_first_not_of(" \t", i);
        if (start == std::string_view::npos) break;
        std::size_t end = line.find_first_of(" \t", start);
        words.push_back(line.substr(start, end - start));
        i = end == std::string_view::npos ? line.size() : end;
    }
    return words;
}

template <typename Visit>
void for_each_line(std::string_view text, Visit visit) {
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        visit(text.substr(start, end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
}

void add_once(std::vector<std::string>& list, std::string value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

// Length of the UTF-8 sequence starting at `text[i]`, or 0 when it is not valid UTF-8.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xe  ? 3
                         : (byte >> 3) == 0x1e ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return 0;
    }
    return length;
}

}  // namespace

std::optional<std::string> decode_net_address(std::string_view hex) {
    if (hex.size() != 8 && hex.size() != 32) return std::nullopt;
    deploy::IpAddress address;
    address.family =
        hex.size() == 8 ? deploy::IpAddress::Family::v4 : deploy::IpAddress::Family::v6;
    for (std::size_t word = 0; word * 8 < hex.size(); ++word) {
        std::optional<std::uint64_t> value = parse_hex(hex.substr(word * 8, 8));
        if (!value) return std::nullopt;
        auto host_order = static_cast<std::uint32_t>(*value);
        std::memcpy(address.bytes.data() + word * 4, &host_order, 4);
    }
    return deploy::format_ip(address);
}

std::vector<NetEntry> parse_net_table(std::string_view text) {
    std::vector<NetEntry> entries;
    for_each_line(text, [&](std::string_view line) {
        std::vector<std::string_view> words = split_words(line);
        // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
        if (words.size() < 10 || words[0].empty() || words[0].back() != ':') return;
        std::string_view local = words[1];
        std::size_t colon = local.find(':');
        if (colon == std::string_view::npos) return;
        std::optional<std::string> address = decode_net_address(local.substr(0, colon));
        std::optional<std::uint64_t> port = parse_hex(local.substr(colon + 1));
        std::optional<std::uint64_t> state = parse_hex(words[3]);
        std::optional<std::uint64_t> inode = parse_decimal(words[9]);
        if (!address || !port || *port > 65535 || !state || *state > 0xff || !inode) return;
        entries.push_back(
            NetEntry{*address, static_cast<int>(*port), static_cast<int>(*state), *inode});
    });
    return entries;
}

std::vector<std::string> parse_fib_trie_local(std::string_view text) {
    std::vector<std::string> addresses;
    std::string current;
    for_each_line(text, [&](std::string_view line) {
        std::string_view trimmed = trim(line);
        if (trimmed.starts_with("|-- ")) {
            current = trim(trimmed.substr(4));
        } else if (trimmed.starts_with("/32 host LOCAL") && deploy::parse_ipv4(current)) {
            add_once(addresses, current);
        }
    });
    return addresses;
}

namespace {

// An IPv4 address as /proc/net/route writes it: the first octet in the lowest byte.
std::optional<std::uint32_t> route_order(const std::string& address) {
    std::optional<deploy::IpAddress> ip = deploy::parse_ipv4(address);
    if (!ip) return std::nullopt;
    return static_cast<std::uint32_t>(ip->bytes[0]) |
           static_cast<std::uint32_t>(ip->bytes[1]) << 8 |
           static_cast<std::uint32_t>(ip->bytes[2]) << 16 |
           static_cast<std::uint32_t>(ip->bytes[3]) << 24;
}

struct RouteRow {
    std::string iface;
    std::uint32_t destination = 0;
    std::uint32_t gateway = 0;
    std::uint32_t mask = 0;
    std::uint64_t metric = 0;
};

std::vector<RouteRow> parse_route_rows(std::string_view text) {
    std::vector<RouteRow> rows;
    for_each_line(text, [&](std::string_view line) {
        std::vector<std::string_view> words = split_words(line);
        if (words.size() < 8) return;
        auto destination = parse_hex(words[1]);
        auto gateway = parse_hex(words[2]);
        auto metric = parse_decimal(words[6]);
        auto mask = parse_hex(words[7]);
        if (!destination || !gateway || !metric || !mask) return;  // the header line
        rows.push_back(RouteRow{std::string(words[0]), static_cast<std::uint32_t>(*destination),
                                static_cast<std::uint32_t>(*gateway),
                                static_cast<std::uint32_t>(*mask), *metric});
    });
    return rows;
}

}  // namespace

std::string default_route_address(std::string_view route, const std::vector<std::string>& local) {
    std::vector<RouteRow> rows = parse_route_rows(route);
    const RouteRow* best = nullptr;
    for (const RouteRow& row : rows) {
        if (row.destination != 0 || row.mask != 0) continue;
        if (!best || row.metric < best->metric) best = &row;
    }
    if (!best) return "";
    std::string fallback;
    for (const std::string& address : local) {
        std::optional<std::uint32_t> value = route_order(address);
        if (!value || (*value & 0xFFu) == 127u) continue;
        for (const RouteRow& row : rows) {
            if (row.iface != best->iface || row.mask == 0) continue;
            if ((*value & row.mask) != row.destination) continue;
            if (best->gateway == 0 || (best->gateway & row.mask) == row.destination) return address;
            if (fallback.empty()) fallback = address;
        }
    }
    return fallback;
}

std::vector<std::string> parse_if_inet6(std::string_view text) {
    std::vector<std::string> addresses;
    for_each_line(text, [&](std::string_view line) {
        std::vector<std::string_view> words = split_words(line);
        if (words.empty() || words[0].size() != 32) return;
        deploy::IpAddress address;
        address.family = deploy::IpAddress::Family::v6;
        for (std::size_t i = 0; i < 16; ++i) {
            std::optional<std::uint64_t> byte = parse_hex(words[0].substr(i * 2, 2));
            if (!byte) return;
            address.bytes[i] = static_cast<std::uint8_t>(*byte);
        }
        add_once(addresses, deploy::format_ip(address));
    });
    return addresses;
}

std::optional<int> parse_single_int(std::string_view text) {
    std::string_view trimmed = trim(text);
    bool negative = trimmed.starts_with('-');
    std::optional<std::uint64_t> value = parse_decimal(negative ? trimmed.substr(1) : trimmed);
    if (!value || *value > 0x7fffffff) return std::nullopt;
    return negative ? -static_cast<int>(*value) : static_cast<int>(*value);
}

std::optional<std::pair<int, int>> parse_port_range(std::string_view text) {
    std::vector<std::string_view> words = split_words(trim(text));
    if (words.size() != 2) return std::nullopt;
    std::optional<int> low = parse_single_int(words[0]);
    std::optional<int> high = parse_single_int(words[1]);
    if (!low || !high || *low < 1 || *high > 65535 || *low > *high) return std::nullopt;
    return std::pair{*low, *high};
}

std::optional<std::uint64_t> parse_effective_capabilities(std::string_view status) {
    std::optional<std::uint64_t> mask;
    for_each_line(status, [&](std::string_view line) {
        if (line.starts_with("CapEff:")) mask = parse_hex(trim(line.substr(7)));
    });
    return mask;
}

std::optional<std::uint64_t> socket_inode(std::string_view link) {
    if (!link.starts_with("socket:[") || !link.ends_with("]")) return std::nullopt;
    return parse_decimal(link.substr(8, link.size() - 9));
}

std::string command_line(std::string_view cmdline) {
    while (!cmdline.empty() && cmdline.back() == '\0') cmdline.remove_suffix(1);
    std::string out;
    for (std::size_t i = 0; i < cmdline.size();) {
        std::size_t length = utf8_length(cmdline, i);
        if (length == 0) {
            out += '?';
            ++i;
            continue;
        }
        char c = cmdline[i];
        if (length == 1 && (c == '\0' || c == '\n' || c == '\t' || c == '\r')) c = ' ';
        if (length == 1) {
            out += c;
        } else {
            out.append(cmdline.substr(i, length));
        }
        i += length;
    }
    return out;
}

}  // namespace xiaozhi::host::proc
