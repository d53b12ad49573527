// port.privileged, port.ephemeral, port.in-use, port.held-by-self: listeners against the host.
#include <catch2/catch.hpp>

#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

Deployment on_host(const std::string& yaml, const host::Snapshot& host) {
    DeploymentSpec spec;
    spec.files = {yaml};
    spec.host = host;
    return deployment(spec);
}

host::Instance instance(int pid) {
    host::Instance result;
    result.pid = pid;
    result.state_dir = "data/state";
    return result;
}

}  // namespace

TEST_CASE("port.privileged: port 80 without the right to bind it", "[analysis][port.privileged]") {
    auto d = on_host("server:\n  port: 80\n", probed_host());
    auto found = d.findings("port.privileged");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK(found[0].key == "server.port");
    CHECK(found[0].suggestion == "use port 1024 (free in the deployment and on this host)");
}

TEST_CASE("port.privileged: quiet when allowed, when the start is lower, or without a probe",
          "[analysis][port.privileged]") {
    host::Snapshot root = probed_host();
    root.can_bind_privileged = true;
    CHECK(on_host("server:\n  port: 80\n", root).findings("port.privileged").empty());

    host::Snapshot low_start = probed_host();
    low_start.unprivileged_port_start = 80;
    CHECK(on_host("server:\n  port: 80\n", low_start).findings("port.privileged").empty());

    CHECK(on_host("server:\n  port: 80\n", host::Snapshot{}).findings("port.privileged").empty());
    CHECK(on_host("server:\n  port: 1024\n", probed_host()).findings("port.privileged").empty());
}

TEST_CASE("port.ephemeral: a port inside the host's ephemeral range",
          "[analysis][port.ephemeral]") {
    auto d = on_host("server:\n  http_port: 40000\n", probed_host());
    auto found = d.findings("port.ephemeral");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.http_port");
    CHECK_THAT(found[0].message, Catch::Contains("32768-60999"));
}

TEST_CASE("port.ephemeral: the range bounds and an unprobed host", "[analysis][port.ephemeral]") {
    CHECK(
        on_host("server:\n  http_port: 32767\n", probed_host()).findings("port.ephemeral").empty());
    CHECK(
        on_host("server:\n  http_port: 61000\n", probed_host()).findings("port.ephemeral").empty());
    CHECK(
        on_host("server:\n  http_port: 32768\n", probed_host()).findings("port.ephemeral").size() ==
        1);
    CHECK(on_host("server:\n  http_port: 40000\n", host::Snapshot{})
              .findings("port.ephemeral")
              .empty());
}

TEST_CASE("port.in-use: another process holds the port", "[analysis][port.in-use]") {
    host::Snapshot host = probed_host();
    host.sockets = {held(8000, "0.0.0.0", 1234, "python3 app.py")};
    auto found = on_host("server:\n  port: 8000\n", host).findings("port.in-use");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "server.port");
    CHECK_THAT(found[0].message, Catch::Contains("port 8000 is held by pid 1234 (python3 app.py)"));
    CHECK(found[0].suggestion == "use port 8001 (free in the deployment and on this host)");
}

TEST_CASE("port.in-use: a process of another user", "[analysis][port.in-use]") {
    host::Snapshot host = probed_host();
    host.sockets = {held(8003, "::", 0, "")};
    auto found = on_host("server:\n  port: 8000\n", host).findings("port.in-use");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.http_port");
    CHECK_THAT(found[0].message, Catch::Contains("port 8003 is held by another user's process"));
}

TEST_CASE("port.in-use: near misses", "[analysis][port.in-use]") {
    SECTION("another address on the same port") {
        host::Snapshot host = probed_host();
        host.sockets = {held(8000, "127.0.0.1")};
        CHECK(on_host("server:\n  ip: 192.168.1.20\n", host).findings("port.in-use").empty());
    }
    SECTION("UDP on the same port") {
        host::Snapshot host = probed_host();
        host.sockets = {held(8000, "0.0.0.0", 99, "dnsmasq", deploy::Transport::udp)};
        CHECK(on_host("server:\n  port: 8000\n", host).findings("port.in-use").empty());
    }
    SECTION("an unprobed snapshot is never consulted") {
        host::Snapshot host;
        host.sockets = {held(8000)};
        CHECK(on_host("server:\n  port: 8000\n", host).findings("port.in-use").empty());
    }
    SECTION("IPv6-only socket on [::] with bindv6only") {
        host::Snapshot host = probed_host();
        host.bindv6only = true;
        host.sockets = {held(8000, "::")};
        CHECK(on_host("server:\n  port: 8000\n", host).findings("port.in-use").empty());
    }
}

TEST_CASE("port.held-by-self: the port is held by a running xiaozhi serve",
          "[analysis][port.held-by-self]") {
    host::Snapshot host = probed_host();
    host.sockets = {held(8000, "0.0.0.0", 555, "xiaozhi serve")};
    host.instances = {instance(555)};
    auto d = on_host("server:\n  port: 8000\n", host);
    CHECK(d.findings("port.in-use").empty());
    auto found = d.findings("port.held-by-self");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::info);
    CHECK_THAT(found[0].message, Catch::Contains("555"));
}

TEST_CASE("port.held-by-self: a registered instance with another pid is not the holder",
          "[analysis][port.held-by-self]") {
    host::Snapshot host = probed_host();
    host.sockets = {held(8000, "0.0.0.0", 556, "xiaozhi serve")};
    host.instances = {instance(555)};
    auto d = on_host("server:\n  port: 8000\n", host);
    CHECK(d.findings("port.held-by-self").empty());
    CHECK(d.findings("port.in-use").size() == 1);
}

TEST_CASE("port.in-use: the management API holding its own port is expected",
          "[analysis][port.in-use]") {
    host::Snapshot host = probed_host();
    host.sockets = {held(8002, "0.0.0.0", 700, "java -jar manager-api.jar")};
    auto d = on_host("manager-api:\n  url: http://127.0.0.1:8002/xiaozhi\n  secret: 0f8e7d6c5b4a\n",
                     host);
    CHECK(d.findings("port.in-use").empty());
}
