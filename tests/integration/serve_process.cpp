// ServeProcess: fork/exec the real binary in a temporary folder, find its ports, stop it.
#include "serve_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli_harness.hpp"
#include "http_client.hpp"

extern char** environ;

namespace xiaozhi::testing {

namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

int exit_code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

HeldPort::HeldPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 4);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
}

HeldPort::~HeldPort() {
    ::close(fd_);
}

ServeProcess::ServeProcess(Options options) {
    start(options);
}

ServeProcess::ServeProcess(const std::string& config_toml) {
    Options options;
    options.config_toml = config_toml;
    start(options);
}

ServeProcess::~ServeProcess() {
    if (pid_ > 0 && exit_code_ < 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    if (owns_dir_) fs::remove_all(dir_, ignored);
}

std::string ServeProcess::write(const std::string& name, const std::string& content) const {
    const fs::path path = fs::path(dir_) / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
}

void ServeProcess::start(const Options& options) {
    if (options.reuse_dir.empty()) {
        std::string pattern = (fs::temp_directory_path() / "xiaozhi-serve-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        dir_ = pattern;
    } else {
        dir_ = options.reuse_dir;
        owns_dir_ = false;
    }
    std::vector<std::string> args = {XIAOZHI_BINARY, "serve"};
    if (!options.config_toml.empty()) args.push_back(write("xiaozhi.toml", options.config_toml));
    if (options.loopback_free_ports) {
        args.insert(args.end(), {"--set", "server.ip=127.0.0.1", "--set",
                                 "server.port=" + std::to_string(free_port()), "--set",
                                 "server.http_port=" + std::to_string(free_port())});
    }
    args.insert(args.end(), options.args.begin(), options.args.end());
    args.insert(args.end(), {"--log-format", options.log_format});

    std::vector<std::string> env;
    for (char** variable = environ; *variable != nullptr; ++variable) {
        if (std::string(*variable).rfind("XIAOZHI_", 0) != 0) env.emplace_back(*variable);
    }
    env.insert(env.end(), options.env.begin(), options.env.end());

    const std::string log_path = dir_ + "/serve.log";
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
        const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null = ::open("/dev/null", O_RDONLY);
        if (log < 0 || null < 0 || ::chdir(dir_.c_str()) != 0) ::_exit(127);
        ::dup2(null, 0);
        ::dup2(log, 1);
        ::dup2(log, 2);
        std::vector<char*> argv;
        for (auto& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (auto& variable : env) envp.push_back(variable.data());
        envp.push_back(nullptr);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    if (!options.wait_ready) return;
    const std::string ports = dir_ + "/data/state/ports.json";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    // The ready line in text ("serving ota_url=...") or JSON ({"event":"serving",...}).
    const auto ready = [this] {
        const std::string text = log();
        return contains(text, "serving ota_url=") || contains(text, R"("event":"serving")");
    };
    while (!fs::exists(ports) || !ready()) {
        if (!running() || std::chrono::steady_clock::now() > deadline) {
            FAIL("xiaozhi serve did not become ready (exit " << exit_code_ << "):\n" << log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    read_ports();
}

nlohmann::json ServeProcess::ports_json() const {
    return nlohmann::json::parse(read_file(dir_ + "/data/state/ports.json"));
}

// ports.json lists the listeners without saying which is which; /healthz on a plain one
// says. Without a plain one (server.tls.listeners on both) they come in bind order,
// WebSocket first.
void ServeProcess::read_ports() {
    const nlohmann::json ports = ports_json().at("ports");
    REQUIRE(!ports.empty());
    for (const auto& entry : ports) {
        const HttpReply health = http_get(entry.at("port").get<int>(), "/healthz");
        if (health.status != 200) continue;
        const nlohmann::json bound = nlohmann::json::parse(health.body).at("ports");
        websocket_port_ = bound.at("websocket").get<int>();
        http_port_ = bound.at("http").get<int>();
        tls_port_ = bound.value("tls", 0);
        return;
    }
    websocket_port_ = ports.front().at("port").get<int>();
    http_port_ = ports.back().at("port").get<int>();
}

void ServeProcess::signal(int signal_number) const {
    if (pid_ > 0 && exit_code_ < 0) ::kill(pid_, signal_number);
}

bool ServeProcess::running() {
    if (exit_code_ >= 0) return false;
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
        exit_code_ = exit_code_of(status);
        return false;
    }
    return true;
}

int ServeProcess::wait_exit(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (running()) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            exit_code_ = exit_code_of(status);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exit_code_;
}

int ServeProcess::stop(int signal_number, int timeout_ms) {
    signal(signal_number);
    return wait_exit(timeout_ms);
}

std::string ServeProcess::log() const {
    return read_file(dir_ + "/serve.log");
}

bool ServeProcess::wait_for_log(const std::string& needle, int timeout_ms) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        if (log().find(needle) != std::string::npos) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace xiaozhi::testing
