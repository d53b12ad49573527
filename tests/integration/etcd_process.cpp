// EtcdProcess: posix_spawn of /usr/bin/etcd, readiness by a range read on its v3 gateway.
#include "etcd_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <thread>

#include "fleet/etcd_messages.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"

extern char** environ;

namespace xiaozhi::testing {

namespace {

HttpReply range_call(int port, const std::string& prefix) {
    HttpCall call;
    call.method = "POST";
    call.target = "/v3/kv/range";
    call.headers = {{"Content-Type", "application/json"}};
    call.body = fleet::range_request(prefix, true);
    call.timeout_ms = 3000;
    return http_call(port, call);
}

}  // namespace

EtcdProcess::EtcdProcess() : client_port_(free_port()), peer_port_(free_port()) {
    start();
}

EtcdProcess::~EtcdProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

void EtcdProcess::start() {
    const std::string client = "http://127.0.0.1:" + std::to_string(client_port_);
    const std::string peer = "http://127.0.0.1:" + std::to_string(peer_port_);
    std::vector<std::string> args = {"/usr/bin/etcd",
                                     "--name",
                                     "m1",
                                     "--data-dir",
                                     dir_.path() + "/data",
                                     "--listen-client-urls",
                                     client,
                                     "--advertise-client-urls",
                                     client,
                                     "--listen-peer-urls",
                                     peer,
                                     "--initial-advertise-peer-urls",
                                     peer,
                                     "--initial-cluster",
                                     "m1=" + peer,
                                     "--logger",
                                     "zap",
                                     "--log-outputs",
                                     dir_.path() + "/etcd.log"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const int spawned = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(spawned == 0);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < end) {
        if (range_call(client_port_, "/").status == 200) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("etcd did not answer on " << client << " within 30 s");
}

void EtcdProcess::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

std::vector<std::pair<std::string, std::string>> EtcdProcess::get_prefix(
    const std::string& prefix) const {
    const HttpReply reply = range_call(client_port_, prefix);
    INFO(reply.error << reply.body);
    REQUIRE(reply.status == 200);
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& kv : fleet::parse_range(reply.body).kvs)
        entries.emplace_back(kv.key, kv.value);
    return entries;
}

}  // namespace xiaozhi::testing
