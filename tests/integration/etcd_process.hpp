// A real etcd member for one test: Debian's etcd on free loopback ports with a fresh data folder.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "cli_harness.hpp"

namespace xiaozhi::testing {

class EtcdProcess {
  public:
    // Starts one member and waits (REQUIRE, 30 s) until its gateway answers.
    EtcdProcess();
    ~EtcdProcess();  // SIGKILL if running; the data folder goes with the test's TempDir
    EtcdProcess(const EtcdProcess&) = delete;
    EtcdProcess& operator=(const EtcdProcess&) = delete;

    int client_port() const { return client_port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(client_port_); }

    // SIGTERM and wait; start() again later on the same ports and data.
    void stop();
    void start();

    // Every key under `prefix` with its value, read through the gateway.
    std::vector<std::pair<std::string, std::string>> get_prefix(const std::string& prefix) const;

  private:
    TempDir dir_;
    int client_port_ = 0;
    int peer_port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace xiaozhi::testing
