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

HttpReply range_call(int port, const std::string& prefix, const std::string& token = "") {
    HttpCall call;
    call.method = "POST";
    call.target = "/v3/kv/range";
    call.headers = {{"Content-Type", "application/json"}};
    if (!token.empty()) call.headers.emplace_back("Authorization", token);
    call.body = fleet::range_request(prefix, true);
    call.timeout_ms = 3000;
    return http_call(port, call);
}

}  // namespace

EtcdProcess::EtcdProcess() : EtcdProcess(EtcdMember{"m1", free_port(), free_port(), ""}) {}

EtcdProcess::EtcdProcess(EtcdMember member, bool wait)
    : name_(member.name),
      client_port_(member.client_port),
      peer_port_(member.peer_port),
      initial_cluster_(member.initial_cluster.empty()
                           ? member.name + "=http://127.0.0.1:" + std::to_string(member.peer_port)
                           : member.initial_cluster) {
    spawn();
    if (wait) wait_ready();
}

EtcdProcess::~EtcdProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

void EtcdProcess::start() {
    spawn();
    wait_ready();
}

void EtcdProcess::spawn() {
    const std::string client = "http://127.0.0.1:" + std::to_string(client_port_);
    const std::string peer = "http://127.0.0.1:" + std::to_string(peer_port_);
    std::vector<std::string> args = {"/usr/bin/etcd",
                                     "--name",
                                     name_,
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
                                     initial_cluster_,
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
}

void EtcdProcess::wait_ready() {
    const std::string client = "http://127.0.0.1:" + std::to_string(client_port_);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < end) {
        // Any answer of the gateway: with authentication enabled it refuses the read.
        const int status = range_call(client_port_, "/").status;
        if (status != 0 && status < 500) return;
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
    const HttpReply reply = range_call(client_port_, prefix, auth_token_);
    INFO(reply.error << reply.body);
    REQUIRE(reply.status == 200);
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& kv : fleet::parse_range(reply.body).kvs)
        entries.emplace_back(kv.key, kv.value);
    return entries;
}

void EtcdProcess::enable_auth(const std::string& user, const std::string& password) {
    const std::string etcdctl = "etcdctl --endpoints " + url() + " ";
    for (const std::string& command :
         {etcdctl + "user add root:root-" + password, etcdctl + "user add " + user + ":" + password,
          etcdctl + "role add " + user,
          etcdctl + "role grant-permission " + user + " --prefix=true readwrite /xiaozhi/",
          etcdctl + "user grant-role " + user + " " + user, etcdctl + "auth enable"}) {
        const auto [status, output] = shell_output(command + " 2>&1");
        INFO(command << ": " << output);
        REQUIRE(status == 0);
    }
    HttpCall call;
    call.method = "POST";
    call.target = "/v3/auth/authenticate";
    call.body = nlohmann::json{{"name", user}, {"password", password}}.dump();
    const HttpReply reply = http_call(client_port_, call);
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    auth_token_ = nlohmann::json::parse(reply.body).at("token").get<std::string>();
}

EtcdCluster::EtcdCluster(int size) {
    std::vector<EtcdMember> specs;
    std::string initial;
    for (int i = 1; i <= size; ++i) {
        EtcdMember member;
        member.name = std::string("m").append(std::to_string(i));
        member.client_port = free_port();
        member.peer_port = free_port();
        if (!initial.empty()) initial += ',';
        initial += member.name;
        initial += "=http://127.0.0.1:";
        initial += std::to_string(member.peer_port);
        specs.push_back(member);
    }
    for (EtcdMember& member : specs) {
        member.initial_cluster = initial;
        members_.push_back(std::make_unique<EtcdProcess>(member, false));
    }
    for (auto& member : members_) member->wait_ready();
}

std::string EtcdCluster::toml_list() const {
    std::string list;
    for (const auto& member : members_) {
        if (!list.empty()) list += ", ";
        list += '"';
        list += member->url();
        list += '"';
    }
    return "[" + list + "]";
}

}  // namespace xiaozhi::testing
