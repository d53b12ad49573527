// What the host looks like: listening sockets, local addresses, port ranges, privilege.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "deploy/transport.hpp"

namespace xiaozhi::host {

struct Socket {
    deploy::Transport transport = deploy::Transport::tcp;
    std::string address;  // "0.0.0.0", "::", "127.0.0.1", ...
    int port = 0;
    int pid = 0;          // 0 when unknown (another user's process)
    std::string command;  // command line, spaces between arguments
};

// A running `xiaozhi serve` as recorded in its <state_dir>/ports.json.
struct Instance {
    int pid = 0;
    std::string state_dir;
    std::vector<Socket> ports;
};

struct Snapshot {
    bool probed = false;  // false for an empty snapshot (--no-probe)
    std::vector<Socket> sockets;
    std::vector<std::string> addresses;  // local interface addresses
    int ephemeral_low = 32768;
    int ephemeral_high = 60999;
    int unprivileged_port_start = 1024;
    bool can_bind_privileged = false;  // root or CAP_NET_BIND_SERVICE
    bool bindv6only = false;
    std::vector<Instance> instances;

    // Whether `address` is loopback or one of `addresses`.
    bool is_local_address(const std::string& address) const;
};

nlohmann::json to_json(const Snapshot& snapshot);
// Throws config::InputError naming `file` and the bad field.
Snapshot from_json(const nlohmann::json& json, const std::string& file);
Snapshot read_snapshot_file(const std::string& path);
void write_snapshot_file(const Snapshot& snapshot, const std::string& path);  // atomic

// The runtime registry file `serve` writes: <state_dir>/ports.json.
nlohmann::json instance_to_json(const Instance& instance);
Instance instance_from_json(const nlohmann::json& json, const std::string& file);

}  // namespace xiaozhi::host
