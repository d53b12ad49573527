// A real `xiaozhi serve` started for a test in its own folder on free loopback ports.
#pragma once

#include <sys/types.h>

#include <csignal>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xiaozhi::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// A listening socket on every IPv4 address held by the test process, so a port is
// really taken (and the host probe names this pid as its holder).
class HeldPort {
  public:
    HeldPort();
    ~HeldPort();
    HeldPort(const HeldPort&) = delete;
    HeldPort& operator=(const HeldPort&) = delete;
    int port() const { return port_; }

  private:
    int fd_ = -1;
    int port_ = 0;
};

class ServeProcess {
  public:
    struct Options {
        std::string config_toml;          // written to <dir>/xiaozhi.toml when not empty
        std::vector<std::string> args;    // after "serve" (and the config file, if any)
        std::vector<std::string> env;     // "NAME=VALUE" added to the environment
        bool loopback_free_ports = true;  // --set server.ip=127.0.0.1 and two free ports
        bool wait_ready = true;           // wait until ports.json appears
        std::string log_format = "text";  // --log-format
        std::string reuse_dir;  // run in this folder (kept afterwards) instead of a fresh one
    };

    // Starts serve with cwd = a fresh temporary folder; fails the test (REQUIRE) when it
    // exits or is not ready within 60 s (sanitizer builds start slowly).
    explicit ServeProcess(Options options);
    explicit ServeProcess(const std::string& config_toml = "");
    ~ServeProcess();  // SIGKILL if still running, then removes the folder
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    const std::string& dir() const { return dir_; }
    pid_t pid() const { return pid_; }
    // The ports serve actually bound, from <dir>/data/state/ports.json.
    int websocket_port() const { return websocket_port_; }
    int http_port() const { return http_port_; }
    // The port of server.tls.port's listener as bound (/healthz), 0 without one.
    int tls_port() const { return tls_port_; }
    nlohmann::json ports_json() const;

    // Writes `content` to <dir>/<name> (folders created); returns the full path.
    std::string write(const std::string& name, const std::string& content) const;

    // Sends a signal without waiting.
    void signal(int signal_number) const;
    // Sends `signal_number` and waits up to `timeout_ms`; the exit code, 128 + signal
    // when killed by one, or -1 on timeout (then SIGKILL).
    int stop(int signal_number = SIGTERM, int timeout_ms = 15000);
    // Waits for the process to exit by itself; same results as stop().
    int wait_exit(int timeout_ms);
    bool running();
    // Standard output and error so far.
    std::string log() const;
    // Polls log() until it contains `needle` or `timeout_ms` passes.
    bool wait_for_log(const std::string& needle, int timeout_ms) const;

  private:
    void start(const Options& options);
    void read_ports();

    std::string dir_;
    bool owns_dir_ = true;
    pid_t pid_ = -1;
    int exit_code_ = -1;
    int websocket_port_ = 0;
    int http_port_ = 0;
    int tls_port_ = 0;
};

}  // namespace xiaozhi::testing
