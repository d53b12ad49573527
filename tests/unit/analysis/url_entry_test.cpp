// url.malformed, url.scheme, url.placeholder, url.path: one advertised URL on its own.
#include <catch2/catch.hpp>

#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

Deployment with_websocket(const std::string& url) {
    return deployment("server:\n  websocket: \"" + url + "\"\n");
}

Deployment with_key(const std::string& key, const std::string& url) {
    return deployment("server:\n  " + key + ": \"" + url + "\"\n");
}

}  // namespace

TEST_CASE("url.malformed: a URL that does not parse", "[analysis][url.malformed]") {
    auto d = with_websocket("ws://192.168.1:4:8015/xiaozhi/v1/");
    auto found = d.findings("url.malformed");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "server.websocket");
    CHECK(found[0].origin.pos.file == "config.yaml");
    // A URL that does not parse is not checked further.
    CHECK(d.findings("url.port-mismatch").empty());
    CHECK(d.findings("url.path").empty());
}

TEST_CASE("url.malformed: a well-formed URL stays quiet", "[analysis][url.malformed]") {
    CHECK(with_websocket("ws://192.168.1.4:8000/xiaozhi/v1/").findings("url.malformed").empty());
}

TEST_CASE("url.malformed: one finding per bad semicolon-separated entry",
          "[analysis][url.malformed]") {
    auto d = deployment(
        "server:\n  websocket: ws://192.168.1.4:8000/xiaozhi/v1/;ws://bad host/xiaozhi/v1/;"
        "ws://10.0.0.1:x/xiaozhi/v1/\n",
        deploy::Runtime::xiaozhi);
    auto found = d.findings("url.malformed");
    REQUIRE(found.size() == 2);
    CHECK_THAT(found[0].message, Catch::Contains("entry 2"));
    CHECK_THAT(found[1].message, Catch::Contains("entry 3"));
}

TEST_CASE("url.scheme: WebSocket with http, vision with ws", "[analysis][url.scheme]") {
    auto ws = with_websocket("http://192.168.1.4:8000/xiaozhi/v1/").findings("url.scheme");
    REQUIRE(ws.size() == 1);
    CHECK(ws[0].suggestion == "use ws://192.168.1.4:8000/xiaozhi/v1/");

    auto vision =
        with_key("vision_explain", "wss://example.com/mcp/vision/explain").findings("url.scheme");
    REQUIRE(vision.size() == 1);
    CHECK(vision[0].suggestion == "use https://example.com/mcp/vision/explain");

    auto ota = with_key("ota", "ws://192.168.1.4:8003/xiaozhi/ota/").findings("url.scheme");
    CHECK(ota.size() == 1);
}

TEST_CASE("url.scheme: the right schemes stay quiet", "[analysis][url.scheme]") {
    CHECK(with_websocket("wss://example.com/xiaozhi/v1/").findings("url.scheme").empty());
    CHECK(with_key("vision_explain", "https://example.com/mcp/vision/explain")
              .findings("url.scheme")
              .empty());
    CHECK(with_key("ota", "http://192.168.1.4:8003/xiaozhi/ota/").findings("url.scheme").empty());
}

TEST_CASE("url.placeholder: the template text, and the address the server derives",
          "[analysis][url.placeholder]") {
    auto unprobed = with_websocket("ws://你的ip或者域名:端口号/xiaozhi/v1/");
    auto found = unprobed.findings("url.placeholder");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK_THAT(found[0].message,
               Catch::Contains("ws://<this host's default-route address>:8000/xiaozhi/v1/"));
    // A placeholder skips the other URL checks.
    CHECK(unprobed.findings("url.malformed").empty());

    DeploymentSpec spec;
    spec.files = {
        "server:\n  port: 8100\n  vision_explain: http://你的ip:端口/mcp/vision/explain\n"};
    spec.host = probed_host();
    auto probed = deployment(spec).findings("url.placeholder");
    REQUIRE(probed.size() == 1);
    CHECK_THAT(probed[0].message, Catch::Contains("http://192.168.1.20:8003/mcp/vision/explain"));
}

TEST_CASE("url.placeholder: a real URL stays quiet", "[analysis][url.placeholder]") {
    CHECK(with_websocket("ws://192.168.1.4:8000/xiaozhi/v1/").findings("url.placeholder").empty());
}

TEST_CASE("url.path: WebSocket path", "[analysis][url.path]") {
    auto found = with_websocket("ws://192.168.1.4:8000/ws/").findings("url.path");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK(found[0].suggestion == "use ws://192.168.1.4:8000/xiaozhi/v1/");
    CHECK(with_websocket("ws://192.168.1.4:8000/xiaozhi/v1").findings("url.path").empty());
    CHECK(with_websocket("ws://192.168.1.4:8000/xiaozhi/v1/").findings("url.path").empty());
}

TEST_CASE("url.path: the OTA URL's trailing slash matters", "[analysis][url.path]") {
    auto found = with_key("ota", "http://192.168.1.4:8003/xiaozhi/ota").findings("url.path");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("trailing slash"));
    CHECK(found[0].suggestion == "use http://192.168.1.4:8003/xiaozhi/ota/");
    CHECK(with_key("ota", "http://192.168.1.4:8003/xiaozhi/ota/").findings("url.path").empty());
    CHECK(with_key("ota", "http://192.168.1.4:8003/ota/").findings("url.path").size() == 1);
}

TEST_CASE("url.path: the vision URL", "[analysis][url.path]") {
    CHECK(
        with_key("vision_explain", "http://192.168.1.4:8003/vision").findings("url.path").size() ==
        1);
    CHECK(with_key("vision_explain", "http://192.168.1.4:8003/mcp/vision/explain")
              .findings("url.path")
              .empty());
}
