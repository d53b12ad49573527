// The Python TLS peer (tests/integration/tls_peer.py) run for one test: OTA over https:// (or
// http://) and the WebSocket over wss:// on 127.0.0.1 ports the kernel picked, stopped at the end
// of scope. Header-only: the client's unit tests and the integration tests both start it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace xiaozhi::testing {

class TlsPeer {
  public:
    struct Options {
        std::string cert_path;
        std::string key_path;
        bool plain_http = false;            // OTA over http://, the WebSocket still wss://
        std::string ws_host = "127.0.0.1";  // host of the wss:// URL the OTA answer hands out
    };

    // Starts the peer and waits (REQUIRE, at most 20 s) for the line with its ports.
    explicit TlsPeer(const Options& options) {
        int to_peer[2];
        int from_peer[2];
        REQUIRE(::pipe2(to_peer, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(from_peer, O_CLOEXEC) == 0);
        std::vector<std::string> args = {"/usr/bin/python3", script(),       "--cert",
                                         options.cert_path,  "--key",        options.key_path,
                                         "--ws-host",        options.ws_host};
        if (options.plain_http) args.push_back("--plain-http");
        std::vector<char*> argv;
        for (auto& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, to_peer[0], STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, from_peer[1], STDOUT_FILENO);
        const int spawned = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(to_peer[0]);
        ::close(from_peer[1]);
        stdin_ = to_peer[1];
        stdout_ = from_peer[0];
        if (spawned != 0) pid_ = -1;
        REQUIRE(spawned == 0);
        const std::string line = first_line(std::chrono::seconds(20));
        INFO("tls_peer.py said: " << line);
        const nlohmann::json ready = nlohmann::json::parse(line, nullptr, false);
        if (!ready.is_object()) stop();
        REQUIRE(ready.is_object());
        http_port = ready.at("http_port").get<int>();
        ws_port = ready.at("ws_port").get<int>();
        ota_url = ready.at("ota_url").get<std::string>();
        ws_url = ready.at("ws_url").get<std::string>();
    }

    ~TlsPeer() { stop(); }

    TlsPeer(const TlsPeer&) = delete;
    TlsPeer& operator=(const TlsPeer&) = delete;

    int http_port = 0;
    int ws_port = 0;
    std::string ota_url;  // https://127.0.0.1:<http_port>/xiaozhi/ota/ (http:// when plain)
    std::string ws_url;   // wss://<ws_host>:<ws_port>/xiaozhi/v1/

  private:
    // Closes the peer's standard input (it exits by itself), SIGKILL after 5 s.
    void stop() {
        if (stdin_ >= 0) ::close(stdin_);
        if (stdout_ >= 0) ::close(stdout_);
        stdin_ = stdout_ = -1;
        if (pid_ <= 0) return;
        const pid_t pid = pid_;
        pid_ = -1;
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < end) {
            if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }

    static std::string script() {
        return std::string(XIAOZHI_FIXTURES) + "/../integration/tls_peer.py";
    }

    std::string first_line(std::chrono::seconds timeout) {
        std::string text;
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (text.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            pollfd ready{stdout_, POLLIN, 0};
            if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) break;
            char buffer[512];
            const ssize_t got = ::read(stdout_, buffer, sizeof buffer);
            if (got <= 0) break;
            text.append(buffer, static_cast<std::size_t>(got));
        }
        return text.substr(0, text.find('\n'));
    }

    pid_t pid_ = -1;
    int stdin_ = -1;
    int stdout_ = -1;
};

}  // namespace xiaozhi::testing
