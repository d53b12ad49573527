// What the host looks like: listening sockets, local addresses, port ranges, privilege.
//
// JSON form (to_json / from_json, the --host-snapshot file), version 1:
//   {"version": 1,                       // optional; must be 1
//    "probed": true,                     // optional, default true in a file
//    "sockets": [SOCKET...],
//    "addresses": ["192.168.1.5", "::1"],
//    "default_route_address": "192.168.1.5",  // the address the default route leaves from
//    "ephemeral_range": [32768, 60999],  // low <= high, both in 1..65535
//    "unprivileged_port_start": 1024,    // 0..65536
//    "can_bind_privileged": false,
//    "bindv6only": false,
//    "instances": [{"pid": 1234, "state_dir": "data/state", "ports": [SOCKET...]}],
//    "time": "2026-01-31T12:00:00Z",     // when it was taken: certificates are judged then
//    "certificates": [PAIR...]}          // the TLS files the deployment names, as read then
//   SOCKET = {"transport": "tcp"|"udp", "address": "0.0.0.0", "port": 8000,
//             "pid": 1234, "command": "xiaozhi serve"}  // pid, command optional
//   PAIR = {"cert": "/etc/xiaozhi/cert.pem", "key": "/etc/xiaozhi/key.pem",
//           "problem": "none"|"cert_unreadable"|...,  // tls::pair_problem_name
//           "detail": "...", "chain": [CERT...]}      // detail, chain optional
//   CERT = {"subject": "CN=a", "issuer": "CN=b", "common_name": "a",
//           "has_subject_alt_name": true, "dns_names": ["a"], "ip_addresses": ["192.0.2.7"],
//           "not_before": "2026-01-01T00:00:00Z", "not_after": "2027-01-01T00:00:00Z",
//           "sha256_fingerprint": "AB:CD:..."}        // all optional but the two times
// "time" and "certificates" are written only when set.
// Every top-level field is optional (missing ones keep the Snapshot defaults);
// an unknown top-level field is an error, unknown fields inside sockets and
// instances are ignored (ports.json files of newer versions stay readable).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "deploy/transport.hpp"
#include "tls/certificate_file.hpp"

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
    // The address the default route leaves from (what the reference derives), "" if none.
    std::string default_route_address;
    int ephemeral_low = 32768;
    int ephemeral_high = 60999;
    int unprivileged_port_start = 1024;
    bool can_bind_privileged = false;  // root or CAP_NET_BIND_SERVICE
    bool bindv6only = false;
    std::vector<Instance> instances;
    // When the snapshot was taken, if known; certificate validity is judged at this time.
    std::optional<std::chrono::system_clock::time_point> time;
    // The certificate files of the deployment as read when the snapshot was taken; a
    // replayed snapshot gives these instead of the files (analysis::read_tls_files).
    std::vector<tls::CertificatePair> certificates;

    // Whether `address` is loopback or one of `addresses`.
    bool is_local_address(const std::string& address) const;
};

nlohmann::json to_json(const Snapshot& snapshot);
// Throws config::InputError naming `file` and the bad field.
Snapshot from_json(const nlohmann::json& json, const std::string& file);
// Throws config::InputError when the file cannot be read, is not JSON (with the
// line and column of the syntax error) or does not match the schema above.
Snapshot read_snapshot_file(const std::string& path);
// Atomic: a temporary file in the same directory, fsync, rename. Throws
// config::InputError naming `path` when it cannot be written.
void write_snapshot_file(const Snapshot& snapshot, const std::string& path);  // atomic

// The runtime registry file `serve` writes: <state_dir>/ports.json.
nlohmann::json instance_to_json(const Instance& instance);
Instance instance_from_json(const nlohmann::json& json, const std::string& file);
// Reads <state_dir>/ports.json (throws config::InputError); writes it atomically.
Instance read_instance_file(const std::string& path);
void write_instance_file(const Instance& instance, const std::string& path);

}  // namespace xiaozhi::host
