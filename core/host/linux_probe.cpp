// The Linux probe: listening sockets and their processes, addresses and port limits from /proc.
#include "host/linux_probe.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <map>
#include <optional>
#include <tuple>

#include "host/proc_text.hpp"

namespace xiaozhi::host {

namespace {

using deploy::Transport;

constexpr std::size_t max_proc_file_bytes = 64 * 1024 * 1024;
constexpr int tcp_listen = 0x0A;
constexpr int udp_unconnected = 0x07;
constexpr std::uint64_t cap_net_bind_service = 1ull << 10;

std::optional<std::string> read_file(const std::string& path,
                                     std::size_t limit = max_proc_file_bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string content;
    char buffer[65536];
    while (content.size() < limit) {
        ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        content.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);
    return content;
}

bool is_pid_name(const char* name) {
    if (*name == '\0') return false;
    for (; *name; ++name) {
        if (*name < '0' || *name > '9') return false;
    }
    return true;
}

struct BoundSocket {
    Transport transport;
    proc::NetEntry entry;
};

std::vector<BoundSocket> read_bound_sockets(const std::string& root) {
    struct Table {
        const char* file;
        Transport transport;
        int state;
    };
    const Table tables[] = {{"/net/tcp", Transport::tcp, tcp_listen},
                            {"/net/tcp6", Transport::tcp, tcp_listen},
                            {"/net/udp", Transport::udp, udp_unconnected},
                            {"/net/udp6", Transport::udp, udp_unconnected}};
    std::vector<BoundSocket> sockets;
    for (const Table& table : tables) {
        std::optional<std::string> text = read_file(root + table.file);
        if (!text) continue;
        for (proc::NetEntry& entry : proc::parse_net_table(*text)) {
            if (entry.state == table.state && entry.port != 0) {
                sockets.push_back(BoundSocket{table.transport, std::move(entry)});
            }
        }
    }
    return sockets;
}

// The lowest pid holding each of `inodes`, from one pass over <root>/<pid>/fd.
std::map<std::uint64_t, int> socket_owners(const std::string& root,
                                           const std::vector<std::uint64_t>& inodes) {
    std::map<std::uint64_t, int> owners;
    if (inodes.empty()) return owners;
    DIR* proc_dir = ::opendir(root.c_str());
    if (!proc_dir) return owners;
    while (dirent* process = ::readdir(proc_dir)) {
        if (!is_pid_name(process->d_name)) continue;
        int pid = std::atoi(process->d_name);
        std::string fd_path = root + "/" + process->d_name + "/fd";
        DIR* fd_dir = ::opendir(fd_path.c_str());
        if (!fd_dir) continue;
        while (dirent* fd = ::readdir(fd_dir)) {
            if (fd->d_name[0] == '.') continue;
            char link[64];
            ssize_t length = ::readlinkat(::dirfd(fd_dir), fd->d_name, link, sizeof link);
            if (length <= 0 || static_cast<std::size_t>(length) >= sizeof link) continue;
            std::optional<std::uint64_t> inode =
                proc::socket_inode(std::string_view(link, static_cast<std::size_t>(length)));
            if (!inode || !std::binary_search(inodes.begin(), inodes.end(), *inode)) continue;
            auto [owner, inserted] = owners.emplace(*inode, pid);
            if (!inserted) owner->second = std::min(owner->second, pid);
        }
        ::closedir(fd_dir);
    }
    ::closedir(proc_dir);
    return owners;
}

std::string command_of(const std::string& root, int pid) {
    std::string base = root + "/" + std::to_string(pid);
    std::string command = proc::command_line(read_file(base + "/cmdline", 65536).value_or(""));
    if (!command.empty()) return command;
    std::string comm = proc::command_line(read_file(base + "/comm", 256).value_or(""));
    while (!comm.empty() && comm.back() == ' ') comm.pop_back();
    return comm.empty() ? "" : "[" + comm + "]";
}

std::vector<Socket> listening_sockets(const std::string& root) {
    std::vector<BoundSocket> bound = read_bound_sockets(root);
    std::vector<std::uint64_t> inodes;
    for (const BoundSocket& socket : bound) {
        if (socket.entry.inode != 0) inodes.push_back(socket.entry.inode);
    }
    std::sort(inodes.begin(), inodes.end());
    std::map<std::uint64_t, int> owners = socket_owners(root, inodes);
    std::map<int, std::string> commands;
    std::vector<Socket> sockets;
    for (const BoundSocket& socket : bound) {
        Socket out;
        out.transport = socket.transport;
        out.address = socket.entry.address;
        out.port = socket.entry.port;
        auto owner = owners.find(socket.entry.inode);
        if (owner != owners.end()) {
            out.pid = owner->second;
            auto known = commands.find(out.pid);
            if (known == commands.end())
                known = commands.emplace(out.pid, command_of(root, out.pid)).first;
            out.command = known->second;
        }
        sockets.push_back(std::move(out));
    }
    auto order = [](const Socket& s) { return std::tie(s.transport, s.port, s.address, s.pid); };
    std::sort(sockets.begin(), sockets.end(),
              [&](const Socket& a, const Socket& b) { return order(a) < order(b); });
    sockets.erase(
        std::unique(sockets.begin(), sockets.end(),
                    [&](const Socket& a, const Socket& b) { return order(a) == order(b); }),
        sockets.end());
    return sockets;
}

std::vector<std::string> local_addresses(const std::string& root) {
    std::vector<std::string> addresses =
        proc::parse_fib_trie_local(read_file(root + "/net/fib_trie").value_or(""));
    for (std::string& address :
         proc::parse_if_inet6(read_file(root + "/net/if_inet6").value_or(""))) {
        if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
            addresses.push_back(std::move(address));
        }
    }
    return addresses;
}

void read_port_limits(const std::string& root, Snapshot& snapshot) {
    std::optional<std::string> range = read_file(root + "/sys/net/ipv4/ip_local_port_range");
    if (auto parsed = range ? proc::parse_port_range(*range) : std::nullopt) {
        snapshot.ephemeral_low = parsed->first;
        snapshot.ephemeral_high = parsed->second;
    }
    std::optional<std::string> start = read_file(root + "/sys/net/ipv4/ip_unprivileged_port_start");
    if (auto parsed = start ? proc::parse_single_int(*start) : std::nullopt) {
        snapshot.unprivileged_port_start = *parsed;
    }
    std::optional<std::string> v6only = read_file(root + "/sys/net/ipv6/bindv6only");
    if (auto parsed = v6only ? proc::parse_single_int(*v6only) : std::nullopt) {
        snapshot.bindv6only = *parsed != 0;
    }
}

// CAP_NET_BIND_SERVICE in the effective set; without a readable status, whether we are root.
bool may_bind_privileged(const std::string& root, int unprivileged_port_start) {
    if (unprivileged_port_start <= 1) return true;
    std::optional<std::string> status = read_file(root + "/self/status");
    std::optional<std::uint64_t> mask =
        status ? proc::parse_effective_capabilities(*status) : std::nullopt;
    if (mask) return (*mask & cap_net_bind_service) != 0;
    return ::geteuid() == 0;
}

// ports.json of each state directory whose serve process still runs.
std::vector<Instance> running_instances(const ProbeOptions& options) {
    std::vector<Instance> instances;
    for (const std::string& state_dir : options.state_dirs) {
        try {
            Instance instance = read_instance_file(state_dir + "/ports.json");
            struct stat info {};
            std::string process = options.proc_root + "/" + std::to_string(instance.pid);
            if (::stat(process.c_str(), &info) != 0) continue;
            if (instance.state_dir.empty()) instance.state_dir = state_dir;
            instances.push_back(std::move(instance));
        } catch (const std::exception&) {
            continue;  // no registry, or one that does not parse: no running instance there
        }
    }
    return instances;
}

}  // namespace

Snapshot probe_linux(const ProbeOptions& options) {
    Snapshot snapshot;
    snapshot.probed = true;
    const std::string& root = options.proc_root;
    try {
        snapshot.sockets = listening_sockets(root);
        snapshot.addresses = local_addresses(root);
        snapshot.default_route_address = proc::default_route_address(
            read_file(root + "/net/route").value_or(""), snapshot.addresses);
        read_port_limits(root, snapshot);
        snapshot.can_bind_privileged = may_bind_privileged(root, snapshot.unprivileged_port_start);
        snapshot.instances = running_instances(options);
    } catch (const std::exception&) {
        return snapshot;  // out of memory mid-probe: what was read so far
    }
    return snapshot;
}

}  // namespace xiaozhi::host
