// port.conflict and port.shared: listeners that collide, listeners that share on purpose.
#include <catch2/catch.hpp>

#include <set>
#include <utility>

#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

deploy::Model two_listeners(deploy::Listener a, deploy::Listener b) {
    deploy::Model model;
    model.listeners = {std::move(a), std::move(b)};
    return model;
}

}  // namespace

TEST_CASE("port.conflict: equal WebSocket and HTTP ports conflict for the python runtime",
          "[analysis][port.conflict]") {
    DeploymentSpec spec;
    spec.files = {"server:\n  port: 8000\n  http_port: 8003\n", "server:\n  http_port: 8000\n"};
    auto d = deployment(spec);
    auto found = d.findings("port.conflict");
    REQUIRE(found.size() == 1);
    const Finding& f = found[0];
    CHECK(f.severity == Severity::error);
    CHECK(f.key == "server.http_port");
    CHECK(f.origin.pos.file == "data/.config.yaml");
    REQUIRE(f.related.size() == 1);
    CHECK(f.related[0].pos.file == "config.yaml");
    CHECK_THAT(f.message, Catch::Contains("websocket") && Catch::Contains("http") &&
                              Catch::Contains("config.yaml:2:9") &&
                              Catch::Contains("data/.config.yaml:2:14"));
    CHECK(f.suggestion == "use port 8001 (free in the deployment; this host was not probed)");
}

TEST_CASE("port.conflict: distinct ports stay quiet", "[analysis][port.conflict]") {
    auto d = deployment("server:\n  port: 8000\n  http_port: 8003\n");
    CHECK(d.findings("port.conflict").empty());
}

TEST_CASE("port.shared: equal ports with the xiaozhi runtime are one listener, not a conflict",
          "[analysis][port.shared]") {
    auto d = deployment("server:\n  port: 8000\n  http_port: 8000\n", deploy::Runtime::xiaozhi);
    CHECK(d.findings("port.conflict").empty());
    auto shared = d.findings("port.shared");
    REQUIRE(shared.size() == 1);
    CHECK(shared[0].severity == Severity::info);
    CHECK_THAT(shared[0].message, Catch::StartsWith("WebSocket and HTTP share one listener"));
    CHECK(shared[0].origin.pos.line == 2);
}

TEST_CASE("port.shared: two ports with the xiaozhi runtime stay quiet", "[analysis][port.shared]") {
    auto d = deployment("server:\n  port: 8000\n  http_port: 8003\n", deploy::Runtime::xiaozhi);
    CHECK(d.findings("port.shared").empty());
}

TEST_CASE("port.conflict: a local management API on the WebSocket port conflicts",
          "[analysis][port.conflict]") {
    auto d = deployment(
        "server:\n  port: 8002\nmanager-api:\n  url: http://127.0.0.1:8002/xiaozhi\n"
        "  secret: 0f8e7d6c5b4a\n");
    auto found = d.findings("port.conflict");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("manager-api") && Catch::Contains("websocket"));
}

TEST_CASE("port.conflict: bind addresses decide the overlap", "[analysis][port.conflict]") {
    using deploy::Transport;
    SECTION("127.0.0.1 and 192.168.1.5 on one port do not conflict") {
        auto model = two_listeners(listener("websocket", "127.0.0.1", 8000, 1),
                                   listener("http", "192.168.1.5", 8000, 2));
        CHECK(model_findings(model, "port.conflict").empty());
    }
    SECTION("0.0.0.0 covers 192.168.1.5") {
        auto model = two_listeners(listener("websocket", "0.0.0.0", 8000, 1),
                                   listener("http", "192.168.1.5", 8000, 2));
        auto found = model_findings(model, "port.conflict");
        REQUIRE(found.size() == 1);
        CHECK(found[0].origin.pos.line == 2);
        CHECK(found[0].related.at(0).pos.line == 1);
    }
    SECTION("TCP and UDP on the same port do not conflict") {
        auto model = two_listeners(listener("websocket", "0.0.0.0", 8000, 1, Transport::tcp),
                                   listener("audio", "0.0.0.0", 8000, 2, Transport::udp));
        CHECK(model_findings(model, "port.conflict").empty());
    }
    SECTION("[::] covers 0.0.0.0 unless the host sets bindv6only") {
        auto model = two_listeners(listener("websocket", "::", 8000, 1),
                                   listener("http", "0.0.0.0", 8000, 2));
        host::Snapshot dual_stack;
        CHECK(model_findings(model, "port.conflict", dual_stack).size() == 1);
        host::Snapshot v6only;
        v6only.bindv6only = true;
        CHECK(model_findings(model, "port.conflict", v6only).empty());
    }
}

TEST_CASE("port.conflict: three listeners on one socket give one finding per extra listener",
          "[analysis][port.conflict]") {
    deploy::Model model;
    model.listeners = {listener("a", "127.0.0.1", 9000, 1), listener("b", "192.168.1.5", 9000, 2),
                       listener("c", "0.0.0.0", 9000, 3)};
    auto found = model_findings(model, "port.conflict");
    REQUIRE(found.size() == 1);
    CHECK(found[0].origin.pos.line == 3);
    REQUIRE(found[0].related.size() == 1);
    CHECK(found[0].related[0].pos.line == 1);
    CHECK_THAT(found[0].message, Catch::Contains("and 1 more"));
}

TEST_CASE("port.conflict: 5,000 listeners, exactly the planted conflicts are found",
          "[analysis][port.conflict]") {
    deploy::Model model;
    // Every listener on its own port from 10000 up, all on 0.0.0.0 ...
    for (int i = 0; i < 5000; ++i) {
        std::string address = i % 3 == 0 ? "0.0.0.0" : "10.0.0." + std::to_string(i % 200 + 1);
        model.listeners.push_back(listener("svc", address, 10000 + i, i + 1));
    }
    // ... plus near misses that share ports without overlapping ...
    model.listeners.push_back(listener("other-ip", "10.9.9.9", 10001, 6001));
    model.listeners.push_back(listener("udp", "0.0.0.0", 10003, 6002, deploy::Transport::udp));
    // ... and the planted conflicts: same port, overlapping addresses.
    std::set<int> planted = {10000, 10002, 12345, 14999};
    int line = 7000;
    for (int port : planted) {
        model.listeners.push_back(listener("planted", "0.0.0.0", port, line++));
    }
    // Listener 10001 binds 10.0.0.2: a second 10.0.0.2 on that port is planted too.
    model.listeners.push_back(listener("planted", "10.0.0.2", 10001, line++));
    planted.insert(10001);

    auto found = model_findings(model, "port.conflict");
    std::set<int> conflicting_lines;
    for (const auto& f : found) conflicting_lines.insert(f.origin.pos.line);
    CHECK(found.size() == planted.size());
    CHECK(conflicting_lines == std::set<int>{7000, 7001, 7002, 7003, 7004});
}

TEST_CASE("port.conflict: 5,000 distinct addresses on one port and one wildcard",
          "[analysis][port.conflict]") {
    deploy::Model model;
    for (int i = 0; i < 5000; ++i) {
        std::string address = "10." + std::to_string(i / 65536) + "." +
                              std::to_string(i / 256 % 256) + "." + std::to_string(i % 256);
        model.listeners.push_back(listener("svc", address, 9000, i + 1));
    }
    // The same address spelt differently overlaps; so does the wildcard, with every one.
    model.listeners.push_back(listener("mapped", "::ffff:10.0.0.7", 9000, 6001));
    model.listeners.push_back(listener("wildcard", "0.0.0.0", 9000, 6002));
    auto found = model_findings(model, "port.conflict");
    REQUIRE(found.size() == 2);
    CHECK(found[0].origin.pos.line == 6001);
    CHECK(found[0].related.at(0).pos.line == 8);
    CHECK(found[1].origin.pos.line == 6002);
    CHECK_THAT(found[1].message, Catch::Contains("and 5000 more"));
}
