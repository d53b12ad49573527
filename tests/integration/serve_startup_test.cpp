// serve start-up, ports, fallback, refusal, reload and shutdown, against the real binary.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "cli_harness.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"

using namespace xiaozhi::testing;

namespace {

nlohmann::json healthz(const ServeProcess& serve) {
    const HttpReply reply = http_get(serve.http_port(), "/healthz");
    REQUIRE(reply.status == 200);
    return parse_json(reply.body);
}

}  // namespace

TEST_CASE("serve starts on built-in defaults, announces its URLs and stops cleanly on SIGTERM",
          "[serve]") {
    ServeProcess serve;
    const std::string ws =
        "ws://127.0.0.1:" + std::to_string(serve.websocket_port()) + "/xiaozhi/v1/";
    const std::string ota =
        "http://127.0.0.1:" + std::to_string(serve.http_port()) + "/xiaozhi/ota/";
    CHECK(contains(serve.log(), "OTA URL (flash into devices): " + ota));
    CHECK(contains(serve.log(), "WebSocket URL devices get:    " + ws));
    CHECK(contains(serve.log(), "bind service=websocket address=127.0.0.1 requested_port=" +
                                    std::to_string(serve.websocket_port())));
    const nlohmann::json ports = serve.ports_json();
    CHECK(ports.at("pid").get<int>() == serve.pid());
    CHECK(ports.at("ports").size() == 2);
    CHECK(healthz(serve).at("websocket_url") == ws);

    CHECK(serve.stop(SIGTERM) == 0);
    CHECK_FALSE(std::filesystem::exists(serve.dir() + "/data/state/ports.json"));
    CHECK(contains(serve.log(), "release service=http"));
}

TEST_CASE("serve with equal WebSocket and HTTP ports runs one listener for both", "[serve]") {
    const int port = free_port();
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.args = {"--set", "server.ip=127.0.0.1",
                    "--set", "server.port=" + std::to_string(port),
                    "--set", "server.http_port=" + std::to_string(port)};
    ServeProcess serve(options);
    CHECK(serve.ports_json().at("ports").size() == 1);
    CHECK(contains(serve.log(), "service=http+websocket"));
    CHECK(healthz(serve).at("websocket_url") ==
          "ws://127.0.0.1:" + std::to_string(port) + "/xiaozhi/v1/");
    CHECK(serve.stop() == 0);
}

TEST_CASE("serve refuses a port another process holds, naming the rule and the holder", "[serve]") {
    HeldPort held;
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.wait_ready = false;
    options.args = {"--set", "server.port=" + std::to_string(held.port()), "--set",
                    "server.http_port=" + std::to_string(free_port())};
    ServeProcess serve(options);
    CHECK(serve.wait_exit(60000) == 1);
    CHECK(contains(serve.log(), "error[port.in-use]"));
    CHECK(contains(serve.log(), "pid " + std::to_string(::getpid())));
    CHECK(contains(serve.log(), "refusing to start"));
}

TEST_CASE("server.port_fallback next binds the next free port and advertises it", "[serve]") {
    HeldPort held;
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.args = {"--set", "server.port=" + std::to_string(held.port()),
                    "--set", "server.http_port=" + std::to_string(free_port()),
                    "--set", "server.port_fallback=next",
                    "--set", "server.port_fallback_range=20"};
    ServeProcess serve(options);
    CHECK(serve.websocket_port() > held.port());
    CHECK(serve.websocket_port() < held.port() + 20);
    CHECK(contains(serve.log(), "fallback service=websocket"));
    CHECK(contains(serve.log(), "requested_port=" + std::to_string(held.port()) +
                                    " bound_port=" + std::to_string(serve.websocket_port())));
    CHECK(contains(healthz(serve).at("websocket_url").get<std::string>(),
                   ":" + std::to_string(serve.websocket_port()) + "/xiaozhi/v1/"));
    CHECK(serve.stop() == 0);
}

TEST_CASE("server.port_fallback any lets the kernel choose", "[serve]") {
    HeldPort held;
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.args = {"--set", "server.ip=127.0.0.1",
                    "--set", "server.port=" + std::to_string(held.port()),
                    "--set", "server.http_port=" + std::to_string(free_port()),
                    "--set", "server.port_fallback=any"};
    ServeProcess serve(options);
    CHECK(serve.websocket_port() != held.port());
    CHECK(contains(serve.log(), "port_fallback any"));
    CHECK(serve.stop() == 0);
}

TEST_CASE("serve refuses a configured URL that contradicts the port it bound", "[serve]") {
    HeldPort held;
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.wait_ready = false;
    options.args = {
        "--set", "server.ip=127.0.0.1",
        "--set", "server.port=" + std::to_string(held.port()),
        "--set", "server.http_port=" + std::to_string(free_port()),
        "--set", "server.port_fallback=next",
        "--set", "server.websocket=ws://127.0.0.1:" + std::to_string(held.port()) + "/xiaozhi/v1/"};
    ServeProcess serve(options);
    CHECK(serve.wait_exit(60000) == 1);
    CHECK(contains(serve.log(), "error[url.port-mismatch]"));
    CHECK(contains(serve.log(), "nothing listens on"));
}

TEST_CASE("serve refuses to start on a configuration error, with rule id and file:line",
          "[serve]") {
    ServeProcess::Options options;
    options.wait_ready = false;
    options.config_toml = "[server]\nwebsocket = \"ws://xiaozhi.server.com:8000/xiaozhi/v1/\"\n";
    ServeProcess serve(options);
    CHECK(serve.wait_exit(60000) == 1);
    CHECK(contains(serve.log(), "xiaozhi.toml:2:13: error[url.sentinel-host]"));
}

TEST_CASE("check-ports recognises the ports of a running serve as held by itself", "[serve]") {
    ServeProcess serve("[server]\nip = \"127.0.0.1\"\n");
    const Result check =
        run_xiaozhi({"check-ports", serve.dir() + "/xiaozhi.toml", "--format", "json", "--set",
                     "server.port=" + std::to_string(serve.websocket_port()), "--set",
                     "server.http_port=" + std::to_string(serve.http_port())});
    CHECK(check.exit_code == 0);
    const nlohmann::json report = parse_json(check.out);
    CHECK(findings_with_rule(report, "port.held-by-self").size() == 2);
    CHECK(findings_with_rule(report, "port.in-use").empty());
    CHECK(serve.stop() == 0);
}

TEST_CASE("SIGHUP applies a valid file change and keeps serving after a rejected one", "[serve]") {
    ServeProcess serve("[server]\nadvertise_host = \"10.1.2.3\"\n");
    CHECK(contains(healthz(serve).at("websocket_url").get<std::string>(), "ws://10.1.2.3:"));

    serve.write("xiaozhi.toml", "[server]\nadvertise_host = \"10.9.8.7\"\n");
    serve.signal(SIGHUP);
    REQUIRE(serve.wait_for_log("config applied", 30000));
    CHECK(contains(healthz(serve).at("websocket_url").get<std::string>(), "ws://10.9.8.7:"));

    serve.write("xiaozhi.toml", "[server]\nwebsocket = \"http://wrong\"\n");
    serve.signal(SIGHUP);
    REQUIRE(serve.wait_for_log("reload rejected", 30000));
    CHECK(contains(serve.log(), "url.scheme"));
    CHECK(contains(healthz(serve).at("websocket_url").get<std::string>(), "ws://10.9.8.7:"));

    serve.write("xiaozhi.toml", "[server\n");
    serve.signal(SIGHUP);
    REQUIRE(serve.wait_for_log("xiaozhi.toml:1", 30000));
    CHECK(healthz(serve).at("status") == "ok");
    CHECK(serve.stop() == 0);
}

TEST_CASE("garbage HTTP gets 400 and a silent client blocks nobody", "[serve]") {
    ServeProcess serve;
    const std::string answer = raw_exchange(serve.http_port(), "\x01\x02 garbage\r\n\r\n", 10000);
    CHECK(answer.rfind("HTTP/1.1 400", 0) == 0);

    const int silent = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(serve.websocket_port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(silent, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    CHECK(healthz(serve).at("status") == "ok");
    ::close(silent);
    CHECK(serve.stop() == 0);
}

// Whether this machine can bind an IPv6 socket (containers may have IPv6 disabled).
static bool ipv6_available() {
    const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_any;
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return bound;
}

TEST_CASE("serve bound to :: answers IPv4 clients too, or says it cannot bind", "[serve]") {
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.wait_ready = ipv6_available();
    options.args = {"--set", "server.ip=::",
                    "--set", "server.port=" + std::to_string(free_port()),
                    "--set", "server.http_port=" + std::to_string(free_port()),
                    "--set", "server.advertise_host=192.0.2.7"};
    ServeProcess serve(options);
    if (!ipv6_available()) {
        CHECK(serve.wait_exit(60000) == 3);
        CHECK(contains(serve.log(), "cannot bind the websocket listener on :"));
        return;
    }
    CHECK(serve.ports_json().at("ports").front().at("address") == "::");
    CHECK(healthz(serve).at("websocket_url") ==
          "ws://192.0.2.7:" + std::to_string(serve.websocket_port()) + "/xiaozhi/v1/");
    CHECK(serve.stop() == 0);
}

TEST_CASE("serve runs a reference server folder: config.yaml plus data/.config.yaml", "[serve]") {
    TempDir folder;
    std::filesystem::copy(fixture("reference-layout"), folder.path(),
                          std::filesystem::copy_options::recursive);
    folder.write("data/.config.yaml", "server:\n  advertise_host: 192.0.2.44\n");
    ServeProcess::Options options;
    options.reuse_dir = folder.path();
    options.args = {"."};
    ServeProcess serve(options);
    CHECK(contains(serve.log(), "rule=url.placeholder"));
    CHECK(contains(serve.log(), "./config.yaml:"));
    const HttpReply page = http_get(serve.http_port(), "/xiaozhi/ota/");
    CHECK(page.status == 200);
    CHECK(contains(page.body,
                   "ws://192.0.2.44:" + std::to_string(serve.websocket_port()) + "/xiaozhi/v1/"));
    CHECK(serve.stop() == 0);
}

TEST_CASE("serve --log-format json writes only JSON lines, a refusal included", "[serve]") {
    const auto check_lines = [](const std::string& log) {
        std::istringstream lines(log);
        std::string line;
        int count = 0;
        while (std::getline(lines, line)) {
            if (line.empty()) continue;
            const nlohmann::json entry = parse_json(line);
            CHECK(entry.contains("time"));
            CHECK(entry.contains("level"));
            CHECK(entry.contains("message"));
            ++count;
        }
        return count;
    };
    ServeProcess::Options options;
    options.log_format = "json";
    ServeProcess serve(options);
    CHECK(serve.stop() == 0);
    CHECK(check_lines(serve.log()) >= 4);
    CHECK(contains(serve.log(), R"("event":"serving","message":"serving","ota_url":")"));

    ServeProcess::Options refused = options;
    refused.wait_ready = false;
    refused.config_toml = "[server]\nwebsocket = \"ws://xiaozhi.server.com:8000/xiaozhi/v1/\"\n";
    ServeProcess failing(refused);
    CHECK(failing.wait_exit(60000) == 1);
    CHECK(check_lines(failing.log()) >= 2);
    CHECK(contains(failing.log(), R"("rule":"url.sentinel-host")"));
    CHECK(contains(failing.log(), "refusing to start"));
}
