// Parsers for the text of the /proc files the Linux probe reads (pure functions, no I/O).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xiaozhi::host::proc {

// One socket line of /proc/net/{tcp,tcp6,udp,udp6}.
struct NetEntry {
    std::string address;  // text form, e.g. "127.0.0.1", "::"
    int port = 0;
    int state = 0;  // 0x0A = TCP LISTEN, 0x07 = unconnected (bound) UDP
    std::uint64_t inode = 0;
};

// "0100007F" -> "127.0.0.1"; 32 hex digits -> IPv6. The kernel prints each
// 32-bit word of the address as a number in host byte order.
std::optional<std::string> decode_net_address(std::string_view hex);

// All socket lines after the header; lines that do not parse are skipped.
std::vector<NetEntry> parse_net_table(std::string_view text);

// Addresses of the "/32 host LOCAL" entries of /proc/net/fib_trie, each once.
std::vector<std::string> parse_fib_trie_local(std::string_view text);

// The local IPv4 address (one of `local`) that the default route of /proc/net/route
// leaves from: the address in the subnet of the default route's interface that holds its
// gateway, as a UDP socket connected to a public address would pick; "" without a
// default route.
std::string default_route_address(std::string_view route, const std::vector<std::string>& local);

// Addresses of /proc/net/if_inet6 (32 hex digits in network order per line).
std::vector<std::string> parse_if_inet6(std::string_view text);

// A file holding one integer, surrounding white space allowed.
std::optional<int> parse_single_int(std::string_view text);

// ip_local_port_range: "32768\t60999".
std::optional<std::pair<int, int>> parse_port_range(std::string_view text);

// The CapEff mask of /proc/<pid>/status.
std::optional<std::uint64_t> parse_effective_capabilities(std::string_view status);

// The inode of a "socket:[123]" fd link.
std::optional<std::uint64_t> socket_inode(std::string_view link);

// /proc/<pid>/cmdline as one line: NULs become spaces, trailing ones dropped,
// bytes that are not UTF-8 become '?'.
std::string command_line(std::string_view cmdline);

}  // namespace xiaozhi::host::proc
