// A real etcd member for one test: Debian's etcd on free loopback ports with a fresh data folder.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli_harness.hpp"

namespace xiaozhi::testing {

// One member's name, ports and the cluster it starts into ("m1=http://127.0.0.1:P,...").
struct EtcdMember {
    std::string name = "m1";
    int client_port = 0;
    int peer_port = 0;
    std::string initial_cluster;  // empty: a cluster of this member alone
};

class EtcdProcess {
  public:
    // Starts one member and waits (REQUIRE, 30 s) until its gateway answers.
    EtcdProcess();
    // Starts `member`; with `wait` false the caller calls wait_ready() (the members of a
    // cluster answer only once enough of them run).
    explicit EtcdProcess(EtcdMember member, bool wait = true);
    ~EtcdProcess();  // SIGKILL if running; the data folder goes with the test's TempDir
    EtcdProcess(const EtcdProcess&) = delete;
    EtcdProcess& operator=(const EtcdProcess&) = delete;

    int client_port() const { return client_port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(client_port_); }

    // SIGTERM and wait; start() again later on the same ports and data.
    void stop();
    void start();
    void wait_ready();

    // Adds `user` with readwrite on /xiaozhi/ and root, then enables authentication
    // (etcdctl; REQUIRE on failure). get_prefix needs enable_auth's user afterwards.
    void enable_auth(const std::string& user, const std::string& password);

    // Every key under `prefix` with its value, read through the gateway.
    std::vector<std::pair<std::string, std::string>> get_prefix(const std::string& prefix) const;

  private:
    void spawn();

    TempDir dir_;
    std::string name_;
    int client_port_ = 0;
    int peer_port_ = 0;
    std::string initial_cluster_;
    pid_t pid_ = -1;
    std::string auth_token_;  // after enable_auth: what get_prefix sends
};

// Three (or `size`) members of one cluster on loopback.
class EtcdCluster {
  public:
    explicit EtcdCluster(int size = 3);
    EtcdProcess& member(std::size_t index) { return *members_.at(index); }
    // Every member's URL, as fleet.etcd lists them: ["http://...", ...].
    std::string toml_list() const;

  private:
    std::vector<std::unique_ptr<EtcdProcess>> members_;
};

}  // namespace xiaozhi::testing
