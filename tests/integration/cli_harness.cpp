// Runs the real binary with posix_spawn, capturing both outputs with a timeout; temp folders.
#include "cli_harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <catch2/catch.hpp>

extern char** environ;

namespace xiaozhi::testing {

namespace {

struct Pipe {
    int read_end = -1;
    int write_end = -1;
};

Pipe make_pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    return {fds[0], fds[1]};
}

// The reading end of standard output: a pipe, or the master side of a pseudo-terminal.
Pipe make_stdout(bool tty) {
    if (!tty) return make_pipe();
    int master = -1;
    int slave = -1;
    if (openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) {
        throw std::runtime_error("openpty failed");
    }
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(slave, F_SETFD, FD_CLOEXEC);
    return {master, slave};
}

std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** variable = environ; *variable != nullptr; ++variable) {
        const std::string entry = *variable;
        if (entry.rfind("XIAOZHI_", 0) == 0 || entry.rfind("NO_COLOR=", 0) == 0) continue;
        env.push_back(entry);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (std::string& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

// Reads both descriptors until both are at end of file or the deadline passes.
bool drain(int out_fd, int err_fd, std::string& out, std::string& err, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    std::string* sinks[2] = {&out, &err};
    int open_count = 2;
    char buffer[65536];
    while (open_count > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) return false;
        const int ready = poll(fds, 2, static_cast<int>(left));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return false;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
            if (got > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(got));
            } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                fds[i].fd = -1;  // end of file (a pseudo-terminal reports EIO)
                --open_count;
            }
        }
    }
    return true;
}

}  // namespace

std::vector<std::string> Result::err_lines() const {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < err.size()) {
        std::size_t end = err.find('\n', start);
        if (end == std::string::npos) end = err.size();
        if (end > start) lines.push_back(err.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

Result run_xiaozhi(const Run& run) {
    Pipe out = make_stdout(run.stdout_is_tty);
    Pipe err = make_pipe();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (run.stdout_file.empty()) {
        posix_spawn_file_actions_adddup2(&actions, out.write_end, STDOUT_FILENO);
    } else {
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, run.stdout_file.c_str(), O_WRONLY,
                                         0);
    }
    posix_spawn_file_actions_adddup2(&actions, err.write_end, STDERR_FILENO);
    if (!run.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, run.cwd.c_str());

    std::vector<std::string> argv_strings{XIAOZHI_BINARY};
    argv_strings.insert(argv_strings.end(), run.args.begin(), run.args.end());
    std::vector<std::string> env_strings = child_environment(run.env);
    std::vector<char*> argv = c_strings(argv_strings);
    std::vector<char*> envp = c_strings(env_strings);

    pid_t pid = 0;
    const int spawned =
        posix_spawn(&pid, XIAOZHI_BINARY, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out.write_end);
    close(err.write_end);
    if (spawned != 0) {
        close(out.read_end);
        close(err.read_end);
        FAIL("posix_spawn " << XIAOZHI_BINARY << ": " << std::strerror(spawned));
    }

    Result result;
    result.timed_out = !drain(out.read_end, err.read_end, result.out, result.err, run.timeout_ms);
    if (result.timed_out) kill(pid, SIGKILL);
    close(out.read_end);
    close(err.read_end);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

Result run_xiaozhi(const std::vector<std::string>& args) {
    return run_xiaozhi(Run{args});
}

TempDir::TempDir() {
    char pattern[] = "/tmp/xiaozhi-cli-test.XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
    const std::filesystem::path file = std::filesystem::path(path_) / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
}

std::string fixture(const std::string& name) {
    return std::string(XIAOZHI_FIXTURES) + "/" + name;
}

nlohmann::json parse_json(const std::string& text) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& error) {
        FAIL("not JSON (" << error.what() << "):\n" << text);
    }
    return {};
}

std::pair<int, std::string> promtool_check(const std::string& exposition, const TempDir& dir) {
    const std::string input = dir.write("metrics.txt", exposition);
    return shell_output("promtool check metrics < '" + input + "'");
}

std::pair<int, std::string> shell_output(const std::string& command) {
    const std::string joined = command + " 2>&1";
    FILE* pipe = ::popen(joined.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char chunk[512];
    while (const std::size_t read = std::fread(chunk, 1, sizeof chunk, pipe)) {
        output.append(chunk, read);
    }
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

std::vector<nlohmann::json> findings_with_rule(const nlohmann::json& report,
                                               const std::string& rule) {
    std::vector<nlohmann::json> found;
    for (const nlohmann::json& finding : report.at("findings")) {
        if (finding.at("rule") == rule) found.push_back(finding);
    }
    return found;
}

}  // namespace xiaozhi::testing
