// compose.port-mismatch and compose.port-conflict: what docker-compose publishes.
#include <catch2/catch.hpp>

#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

// The operator's values in data/.config.yaml, which a container of the release image reads.
Deployment composed(const std::string& server_keys, const std::string& compose) {
    DeploymentSpec spec;
    spec.files = {"server:\n  port: 8000\n  http_port: 8003\n",
                  server_keys.empty() ? "" : "server:\n" + server_keys};
    spec.compose = compose;
    return deployment(spec);
}

const std::string published_18000 =
    "services:\n"
    "  xiaozhi-esp32-server:\n"
    "    image: example/xiaozhi-server:latest\n"
    "    ports:\n"
    "      - \"18000:8000\"\n"
    "      - \"18003:8003\"\n";

}  // namespace

TEST_CASE("compose.port-mismatch: the advertised port is the container's, not the published one",
          "[analysis][compose.port-mismatch]") {
    auto d = composed(
        "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n"
        "  vision_explain: http://192.168.1.20:18003/mcp/vision/explain\n",
        published_18000);
    auto found = d.findings("compose.port-mismatch");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "server.websocket");
    CHECK_THAT(found[0].message, Catch::Contains("18000"));
    CHECK(found[0].suggestion == "use ws://192.168.1.20:18000/xiaozhi/v1/");
    REQUIRE(found[0].related.size() == 1);
    CHECK(found[0].related[0].pos.file == "docker-compose.yml");
    // The same problem is not reported twice.
    CHECK(d.findings("url.port-mismatch").empty());
}

TEST_CASE("compose.port-mismatch: published host ports in the URLs stay quiet",
          "[analysis][compose.port-mismatch]") {
    auto d = composed(
        "  websocket: ws://192.168.1.20:18000/xiaozhi/v1/\n"
        "  vision_explain: http://192.168.1.20:18003/mcp/vision/explain\n",
        published_18000);
    CHECK(d.findings("compose.port-mismatch").empty());
    CHECK(d.findings("url.port-mismatch").empty());
}

TEST_CASE("compose.port-mismatch: a mapping to a port the server does not listen on",
          "[analysis][compose.port-mismatch]") {
    auto d = composed("",
                      "services:\n"
                      "  xiaozhi-esp32-server:\n"
                      "    image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:server_latest\n"
                      "    ports:\n"
                      "      - \"8000:8000\"\n"
                      "      - \"8003:8080\"\n");
    auto found = d.findings("compose.port-mismatch");
    REQUIRE(found.size() == 1);
    CHECK(found[0].origin.pos.file == "docker-compose.yml");
    CHECK(found[0].origin.pos.line == 6);
    CHECK_THAT(found[0].message, Catch::Contains("8080"));
}

TEST_CASE("compose.port-mismatch: other services' mappings are theirs",
          "[analysis][compose.port-mismatch]") {
    auto d = composed("",
                      "services:\n"
                      "  xiaozhi-esp32-server:\n"
                      "    image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:server_latest\n"
                      "    ports:\n"
                      "      - \"8000:8000\"\n"
                      "  xiaozhi-esp32-server-web:\n"
                      "    ports:\n"
                      "      - \"8002:8002\"\n"
                      "  db:\n"
                      "    ports:\n"
                      "      - \"3306:3306\"\n");
    CHECK(d.findings("compose.port-mismatch").empty());
    CHECK(d.findings("compose.port-conflict").empty());
}

TEST_CASE("compose.port-conflict: two services publish the same host port",
          "[analysis][compose.port-conflict]") {
    auto d = composed("",
                      "services:\n"
                      "  xiaozhi-esp32-server:\n"
                      "    image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:server_latest\n"
                      "    ports:\n"
                      "      - \"8000:8000\"\n"
                      "  web:\n"
                      "    ports:\n"
                      "      - \"8000:80\"\n");
    auto found = d.findings("compose.port-conflict");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].origin.pos.line == 8);
    REQUIRE(found[0].related.size() == 1);
    CHECK(found[0].related[0].pos.line == 5);
    CHECK_THAT(found[0].message, Catch::Contains("xiaozhi-esp32-server") && Catch::Contains("web"));
    CHECK_FALSE(found[0].suggestion.empty());
}

TEST_CASE("compose.port-conflict: other transports and other host addresses stay quiet",
          "[analysis][compose.port-conflict]") {
    auto d = composed("",
                      "services:\n"
                      "  xiaozhi-esp32-server:\n"
                      "    image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:server_latest\n"
                      "    ports:\n"
                      "      - \"127.0.0.1:8000:8000\"\n"
                      "  gateway:\n"
                      "    ports:\n"
                      "      - \"8000:8000/udp\"\n"
                      "      - \"192.168.1.20:8000:8000\"\n");
    CHECK(d.findings("compose.port-conflict").empty());
}
