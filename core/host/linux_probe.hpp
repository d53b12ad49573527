// Fill a host snapshot from /proc, as `ss -ltnp` does.
#pragma once

#include <string>
#include <vector>

#include "host/snapshot.hpp"

namespace xiaozhi::host {

struct ProbeOptions {
    std::string proc_root = "/proc";             // tests point this at a fake tree
    std::vector<std::string> state_dirs;         // where to look for ports.json of running serves
};

// Reads /proc/net/{tcp,tcp6,udp,udp6} (TCP in LISTEN state, bound UDP), maps
// socket inodes to pids via /proc/<pid>/fd, reads cmdlines, local addresses
// (from /proc/net/fib_trie and if_inet6), ip_local_port_range,
// ip_unprivileged_port_start, bindv6only, and the effective capabilities.
// Unreadable parts are left at their defaults; never throws.
Snapshot probe_linux(const ProbeOptions& options);

}  // namespace xiaozhi::host
