// A peer process for one test (a Python script): started with arguments, ready once it prints one
// JSON line on standard output, stopped by closing its standard input (or killed) at the end.
// Header-only: unit and integration tests both start such peers.
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

class ScriptPeer {
  public:
    // Runs `args` (args[0] the program) and waits (REQUIRE, at most `timeout`) for the JSON
    // object line it prints when it listens.
    explicit ScriptPeer(std::vector<std::string> args,
                        std::chrono::seconds timeout = std::chrono::seconds(20)) {
        int to_peer[2];
        int from_peer[2];
        REQUIRE(::pipe2(to_peer, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(from_peer, O_CLOEXEC) == 0);
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
        const std::string line = first_line(timeout);
        INFO(args[1] << " said: " << line);
        ready = nlohmann::json::parse(line, nullptr, false);
        if (!ready.is_object()) stop();
        REQUIRE(ready.is_object());
    }

    ~ScriptPeer() { stop(); }

    ScriptPeer(const ScriptPeer&) = delete;
    ScriptPeer& operator=(const ScriptPeer&) = delete;

    nlohmann::json ready;  // the line the peer printed when it was listening

    // SIGKILL now: the peer vanishes without closing anything.
    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

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

  private:
    std::string first_line(std::chrono::seconds timeout) {
        std::string text;
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (text.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            pollfd readable{stdout_, POLLIN, 0};
            if (::poll(&readable, 1, static_cast<int>(left.count())) <= 0) break;
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
