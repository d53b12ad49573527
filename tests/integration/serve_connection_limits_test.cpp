// serve's descriptor safety: one connection limit for every socket, the head deadline, the
// raised open-files limit, and accept out of descriptors, with a canary device talking.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "canary_device.hpp"
#include "cli_harness.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"
#include "ws_client.hpp"

using namespace xiaozhi::testing;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kBusyBody = R"({"error":"too many connections"})";
// The end of the head and the whole body of that answer.
constexpr const char* kBusyTail =
    "\r\n\r\n"
    R"({"error":"too many connections"})";

// This process's soft open-files limit, set for the lifetime of the object.
class SoftLimit {
  public:
    explicit SoftLimit(rlim_t soft) {
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
        rlimit changed = saved_;
        changed.rlim_cur = std::min(soft, saved_.rlim_max);
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &changed) == 0);
    }
    ~SoftLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
    SoftLimit(const SoftLimit&) = delete;
    SoftLimit& operator=(const SoftLimit&) = delete;

  private:
    rlimit saved_{};
};

rlim_t hard_limit() {
    rlimit limit{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
    return limit.rlim_max;
}

// Starts serve with a soft open-files limit of 1024 (the common default), which it raises.
std::unique_ptr<ServeProcess> serve_from_1024(const std::string& config_toml) {
    const SoftLimit low(1024);
    return std::make_unique<ServeProcess>(config_toml);
}

// Plain TCP connections to 127.0.0.1 that never send a request, closed at the end.
class IdleConnections {
  public:
    ~IdleConnections() { close_all(); }

    // Opens `count` connections to `port`; REQUIREs each connect to succeed.
    void open(int port, int count) {
        for (int i = 0; i < count; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            REQUIRE(fd >= 0);
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_port = htons(static_cast<std::uint16_t>(port));
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            INFO("connection " << i);
            REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) ==
                    0);
            fds_.push_back(fd);
            answered_.push_back(false);
            replies_.emplace_back();
        }
    }

    // Reads what arrived without waiting; a connection the server closed becomes answered.
    // Returns how many are answered.
    std::size_t poll_answers() {
        std::vector<pollfd> polled;
        for (const int fd : fds_) polled.push_back(pollfd{fd, POLLIN, 0});
        REQUIRE(::poll(polled.data(), polled.size(), 0) >= 0);
        std::size_t answered = 0;
        for (std::size_t i = 0; i < fds_.size(); ++i) {
            if (!answered_[i] && (polled[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                char buffer[1024];
                const ssize_t got = ::recv(fds_[i], buffer, sizeof buffer, MSG_DONTWAIT);
                if (got > 0) replies_[i].append(buffer, static_cast<std::size_t>(got));
                if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                    answered_[i] = true;
                }
            }
            if (answered_[i]) ++answered;
        }
        return answered;
    }

    // Polls until `wanted` are answered or `timeout` passes; how many are.
    std::size_t wait_answers(std::size_t wanted, std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        std::size_t answered = poll_answers();
        while (answered < wanted && Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            answered = poll_answers();
        }
        return answered;
    }

    // Answered connections whose whole answer is the 503 of a full server.
    std::size_t busy_answers() const {
        std::size_t busy = 0;
        for (std::size_t i = 0; i < fds_.size(); ++i) {
            const std::string& reply = replies_[i];
            if (answered_[i] && reply.rfind("HTTP/1.1 503 ", 0) == 0 &&
                reply.find("\r\nConnection: close\r\n") != std::string::npos &&
                reply.find(kBusyTail) != std::string::npos) {
                ++busy;
            }
        }
        return busy;
    }
    // Answered connections that got no byte (closed by the server without an answer).
    std::size_t silent_closes() const {
        std::size_t silent = 0;
        for (std::size_t i = 0; i < fds_.size(); ++i) {
            if (answered_[i] && replies_[i].empty()) ++silent;
        }
        return silent;
    }
    std::size_t size() const { return fds_.size(); }
    int fd(std::size_t i) const { return fds_[i]; }

    void close_all() {
        for (const int fd : fds_) ::close(fd);
        fds_.clear();
        answered_.clear();
        replies_.clear();
    }

  private:
    std::vector<int> fds_;
    std::vector<bool> answered_;
    std::vector<std::string> replies_;
};

// How many lines of `log` contain `needle`.
std::size_t lines_with(const std::string& log, const std::string& needle) {
    std::istringstream lines(log);
    std::size_t count = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.find(needle) != std::string::npos) ++count;
    }
    return count;
}

// The value of one Prometheus sample line, -1 when absent.
long long metric(int http_port, const std::string& sample) {
    const HttpReply reply = http_get(http_port, "/metrics");
    REQUIRE(reply.status == 200);
    const std::size_t at = reply.body.find("\n" + sample + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(reply.body.substr(at + sample.size() + 2));
}

// Retries GET `target` until it is answered 200 within `timeout`; the last status.
int wait_status_200(int port, const std::string& target, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    int status = http_get(port, target).status;
    while (status != 200 && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        status = http_get(port, target).status;
    }
    return status;
}

// A device other than the canary connects and is answered its hello.
void new_device_says_hello(int websocket_port) {
    WsClient device;
    WsConnect options;
    options.headers = {{"Device-Id", "ne:w0:de:vi:ce:01"},
                       {"Client-Id", "c0ffee00-0000-4000-8000-000000000002"}};
    REQUIRE(device.connect(websocket_port, options));
    REQUIRE(device.send_text(R"({"type":"hello","version":1,"transport":"websocket"})"));
    const auto answer = device.read_text(10000);
    INFO("hello: " << device.error());
    REQUIRE(answer);
    CHECK(parse_json(*answer).at("type") == "hello");
    device.close();
}

// CPU seconds (user + system) process `pid` used so far.
double cpu_seconds(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const std::size_t close = text.rfind(')');
    REQUIRE(close != std::string::npos);
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    // After the name: state is field 3; utime and stime are fields 14 and 15.
    for (int number = 3; number < 14; ++number) fields >> field;
    long long user = 0;
    long long system = 0;
    fields >> user >> system;
    return static_cast<double>(user + system) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// How many descriptors process `pid` has open (/proc/<pid>/fd).
std::size_t open_descriptors(int pid) {
    std::size_t count = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
        (void)entry;
        ++count;
    }
    return count;
}

}  // namespace

TEST_CASE("2000 idle connections with max_connections 500 are held to 500, a device talks on",
          "[serve][limits]") {
    const SoftLimit room(hard_limit());
    REQUIRE(hard_limit() >= 2200);
    auto serve = serve_from_1024("[server]\nmax_connections = 500\nrequest_head_timeout = 60\n");
    CanaryDevice canary(serve->websocket_port());
    canary.talk();

    const long before_kib = resident_kib(serve->pid());
    IdleConnections idle;
    idle.open(serve->websocket_port(), 2000);
    // The canary holds one slot: 499 idle connections are admitted, 1501 answered 503.
    const std::size_t answered = idle.wait_answers(1501, std::chrono::seconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(idle.poll_answers() == answered);
    CHECK(answered == 1501);
    CHECK(idle.busy_answers() == answered);
    // What 2,000 connections cost serve: 500 sockets and their small state, no more.
    const long during_kib = resident_kib(serve->pid());
    INFO("resident before " << before_kib << " KiB, with the connections " << during_kib);
    CHECK(during_kib - before_kib < 32 * 1024);
    CHECK(open_descriptors(serve->pid()) <= 500 + 64);

    // Full: a new HTTP request and a new device get 503 at once, the canary is served.
    const HttpReply busy = http_get(serve->http_port(), "/healthz");
    CHECK(busy.status == 503);
    CHECK(busy.header("Connection") == "close");
    CHECK(busy.body == kBusyBody);
    WsClient refused;
    WsConnect device;
    device.headers = {{"Device-Id", "re:fu:se:d0:00:01"}};
    CHECK_FALSE(refused.connect(serve->websocket_port(), device));
    CHECK(refused.refusal_status() == 503);
    canary.talk();
    // Logged once per second at most, not once per refusal.
    CHECK(lines_with(serve->log(), "connections refused") >= 1);
    CHECK(lines_with(serve->log(), "connections refused") <= 40);
    CHECK(lines_with(serve->log(), "limit=500") >= 1);

    // Freed slots are taken again: HTTP, a new device, the canary.
    idle.close_all();
    REQUIRE(wait_status_200(serve->http_port(), "/healthz", std::chrono::seconds(10)) == 200);
    CHECK(metric(serve->http_port(), "xiaozhi_connections_refused_total") >= 1503);
    new_device_says_hello(serve->websocket_port());
    canary.talk();
    CHECK(serve->stop() == 0);
}

TEST_CASE("a connection without a request head is closed after request_head_timeout",
          "[serve][limits]") {
    auto serve = serve_from_1024("[server]\nmax_connections = 20\nrequest_head_timeout = 1\n");
    CanaryDevice canary(serve->websocket_port());
    const auto opened = Clock::now();
    IdleConnections idle;
    idle.open(serve->http_port(), 30);
    // A head that never ends is no better than none.
    const std::string partial = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    REQUIRE(::send(idle.fd(0), partial.data(), partial.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(partial.size()));
    // 19 held (the canary has the 20th slot), 11 answered 503 at once.
    REQUIRE(idle.wait_answers(11, std::chrono::seconds(5)) >= 11);
    CHECK(http_get(serve->http_port(), "/healthz").status == 503);
    // The held ones are closed by the head deadline, without an answer, in about 1 s.
    CHECK(idle.wait_answers(30, std::chrono::seconds(8)) == 30);
    const auto took = Clock::now() - opened;
    CHECK(took >= std::chrono::milliseconds(900));
    CHECK(took <= std::chrono::seconds(8));
    CHECK(idle.busy_answers() == 11);
    CHECK(idle.silent_closes() == 19);
    CHECK(wait_status_200(serve->http_port(), "/healthz", std::chrono::seconds(5)) == 200);
    // A WebSocket session is past its head: the deadline does not touch it.
    canary.talk();
    CHECK(serve->stop() == 0);
}

TEST_CASE("serve raises its soft open-files limit to the hard one and logs both figures",
          "[serve][limits]") {
    const rlim_t hard = hard_limit();
    auto serve = serve_from_1024("");
    const std::string expected =
        hard > 1024 ? "open files limit raised soft_before=1024 soft=" + std::to_string(hard) +
                          " hard=" + std::to_string(hard)
                    : "open files limit soft=1024";
    INFO(serve->log());
    CHECK(serve->wait_for_log(expected, 5000));
    CHECK(serve->stop() == 0);
}

TEST_CASE("max_connections beyond the open-files limit is warned about with both figures",
          "[serve][limits]") {
    const rlim_t hard = hard_limit();
    REQUIRE(hard < 1000000);
    ServeProcess serve("[server]\nmax_connections = 1000000\n");
    INFO(serve.log());
    CHECK(serve.wait_for_log("max_connections does not fit the open files limit", 5000));
    CHECK(serve.log().find("max_connections=1000000 open_files_limit=" + std::to_string(hard)) !=
          std::string::npos);
    CHECK(serve.log().find("admitting at most ") != std::string::npos);
    CHECK(serve.stop() == 0);
}

TEST_CASE("server.request_head_timeout out of range refuses to start, naming the key",
          "[serve][limits]") {
    ServeProcess::Options options;
    options.config_toml = "[server]\nrequest_head_timeout = 0\n";
    options.wait_ready = false;
    ServeProcess serve(options);
    CHECK(serve.wait_exit(30000) != 0);
    CHECK(serve.log().find("request_head_timeout") != std::string::npos);
}

TEST_CASE("accept out of descriptors answers the waiting connections and never spins",
          "[serve][limits]") {
    const SoftLimit room(hard_limit());
    ServeProcess serve("[server]\nmax_connections = 1000000\nrequest_head_timeout = 60\n");
    CanaryDevice canary(serve.websocket_port());
    // Talked once first: a sanitizer build needs descriptors the first time it checks a type.
    canary.talk();
    // Past the descriptors serve counted on: accept fails with EMFILE from about 200 on.
    const rlimit tight{200, hard_limit()};
    REQUIRE(::prlimit(serve.pid(), RLIMIT_NOFILE, &tight, nullptr) == 0);
    IdleConnections idle;
    idle.open(serve.websocket_port(), 400);
    // Those beyond the descriptors are answered 503, not left waiting.
    const std::size_t answered = idle.wait_answers(150, std::chrono::seconds(10));
    CHECK(answered >= 150);
    CHECK(idle.busy_answers() == answered);
    const double before = cpu_seconds(serve.pid());
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(cpu_seconds(serve.pid()) - before < 0.5);
    CHECK(lines_with(serve.log(), "Too many open files") >= 1);
    CHECK(lines_with(serve.log(), "Too many open files") <= 30);
    canary.talk();
    idle.close_all();
    // Descriptors back: new connections are served again.
    CHECK(wait_status_200(serve.http_port(), "/healthz", std::chrono::seconds(10)) == 200);
    new_device_says_hello(serve.websocket_port());
    canary.talk();
    CHECK(serve.stop() == 0);
}
