// url.port-mismatch and url.wrong-service: does an advertised port reach the right service?
#include <catch2/catch.hpp>

#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

Deployment with_server(const std::string& server_keys, const host::Snapshot& host = {}) {
    DeploymentSpec spec;
    spec.files = {"server:\n" + server_keys};
    spec.host = host;
    return deployment(spec);
}

}  // namespace

TEST_CASE("url.port-mismatch: an IP literal without a probe is this machine: error",
          "[analysis][url.port-mismatch]") {
    auto found = with_server("  port: 8100\n  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n")
                     .findings("url.port-mismatch");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "server.websocket");
    CHECK(found[0].suggestion == "use ws://192.168.1.20:8100/xiaozhi/v1/");
    REQUIRE(found[0].related.size() == 1);
    CHECK(found[0].related[0].pos.line == 2);
}

TEST_CASE("url.port-mismatch: a DNS name could be a proxy: warning",
          "[analysis][url.port-mismatch]") {
    auto found = with_server("  port: 8100\n  websocket: ws://xiaozhi.example.com/xiaozhi/v1/\n")
                     .findings("url.port-mismatch");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK(found[0].suggestion == "use ws://xiaozhi.example.com:8100/xiaozhi/v1/");
    // wss:// is a TLS proxy's (neither server has TLS): its port is never "fixed".
    CHECK(with_server("  port: 8100\n  websocket: wss://xiaozhi.example.com/xiaozhi/v1/\n")
              .findings()
              .empty());
}

TEST_CASE("url.port-mismatch: with a probe, only the host's own addresses are this machine",
          "[analysis][url.port-mismatch]") {
    auto local = with_server("  port: 8100\n  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n",
                             probed_host())
                     .findings("url.port-mismatch");
    REQUIRE(local.size() == 1);
    CHECK(local[0].severity == Severity::error);

    auto remote = with_server("  port: 8100\n  websocket: ws://192.168.1.99:8000/xiaozhi/v1/\n",
                              probed_host())
                      .findings("url.port-mismatch");
    REQUIRE(remote.size() == 1);
    CHECK(remote[0].severity == Severity::warning);

    auto server_ip = with_server(
                         "  ip: 10.1.1.1\n  port: 8100\n"
                         "  websocket: ws://10.1.1.1:8000/xiaozhi/v1/\n",
                         probed_host())
                         .findings("url.port-mismatch");
    REQUIRE(server_ip.size() == 1);
    CHECK(server_ip[0].severity == Severity::error);
}

TEST_CASE("url.port-mismatch: matching ports stay quiet", "[analysis][url.port-mismatch]") {
    auto d = with_server(
        "  port: 8100\n  websocket: ws://192.168.1.20:8100/xiaozhi/v1/\n"
        "  vision_explain: http://192.168.1.20:8003/mcp/vision/explain\n"
        "  ota: http://192.168.1.20:8003/xiaozhi/ota/\n");
    CHECK(d.findings("url.port-mismatch").empty());
    CHECK(d.findings("url.wrong-service").empty());
}

TEST_CASE(
    "url.port-mismatch: the OTA URL against the HTTP port, while a vision URL may be another "
    "service",
    "[analysis][url.port-mismatch]") {
    auto d = with_server(
        "  http_port: 8080\n  vision_explain: http://192.168.1.20:8003/mcp/vision/explain\n"
        "  ota: http://192.168.1.20:8004/xiaozhi/ota/\n");
    auto found = d.findings("url.port-mismatch");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.ota");
    CHECK(found[0].suggestion == "use http://192.168.1.20:8080/xiaozhi/ota/");
}

TEST_CASE("url.wrong-service: a WebSocket URL at the HTTP port", "[analysis][url.wrong-service]") {
    auto d = with_server("  websocket: ws://192.168.1.20:8003/xiaozhi/v1/\n");
    auto found = d.findings("url.wrong-service");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK_THAT(found[0].message, Catch::Contains("HTTP server"));
    CHECK(found[0].suggestion == "use ws://192.168.1.20:8000/xiaozhi/v1/");
    // One problem, one finding.
    CHECK(d.findings("url.port-mismatch").empty());
}

TEST_CASE("url.wrong-service: OTA and vision URLs at the WebSocket port",
          "[analysis][url.wrong-service]") {
    auto d = with_server(
        "  ota: http://192.168.1.20:8000/xiaozhi/ota/\n"
        "  vision_explain: http://192.168.1.20:8000/mcp/vision/explain\n");
    auto found = d.findings("url.wrong-service");
    REQUIRE(found.size() == 2);
    for (const auto& f : found) CHECK_THAT(f.message, Catch::Contains("WebSocket server"));
}

TEST_CASE("url.wrong-service: an OTA URL at 8002 without a management API",
          "[analysis][url.wrong-service]") {
    auto found =
        with_server("  ota: http://192.168.1.20:8002/xiaozhi/ota/\n").findings("url.wrong-service");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("manager-api.url is not set"));
    CHECK(found[0].suggestion == "use http://192.168.1.20:8003/xiaozhi/ota/");
}

TEST_CASE("url.wrong-service: with a management API the OTA URL belongs to it",
          "[analysis][url.wrong-service]") {
    const std::string manager =
        "manager-api:\n  url: http://127.0.0.1:8002/xiaozhi\n  secret: 0f8e7d6c5b4a\n";
    auto right = deployment("server:\n  ota: http://192.168.1.20:8002/xiaozhi/ota/\n" + manager);
    CHECK(right.findings("url.wrong-service").empty());
    CHECK(right.findings("url.port-mismatch").empty());

    auto wrong = deployment("server:\n  ota: http://192.168.1.20:8003/xiaozhi/ota/\n" + manager);
    auto found = wrong.findings("url.wrong-service");
    REQUIRE(found.size() == 1);
    CHECK(found[0].suggestion == "use http://192.168.1.20:8002/xiaozhi/ota/");
}

TEST_CASE("url.wrong-service: equal ports in the xiaozhi runtime are one service",
          "[analysis][url.wrong-service]") {
    auto d = deployment(
        "server:\n  port: 8000\n  http_port: 8000\n"
        "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n"
        "  ota: http://192.168.1.20:8000/xiaozhi/ota/\n",
        deploy::Runtime::xiaozhi);
    CHECK(d.findings("url.wrong-service").empty());
    CHECK(d.findings("url.port-mismatch").empty());
}
