// config.unknown-key, config.legacy-key and config.type.
#include <catch2/catch.hpp>

#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

TEST_CASE("config.unknown-key: a misspelt key of an owned section",
          "[analysis][config.unknown-key]") {
    auto found = deployment("server:\n  htp_port: 8003\n").findings("config.unknown-key");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK(found[0].key == "server.htp_port");
    CHECK(found[0].origin.pos.line == 2);
    CHECK_THAT(found[0].message, Catch::Contains("did you mean server.http_port?"));
    CHECK(found[0].suggestion == "rename it to server.http_port");
}

TEST_CASE("config.unknown-key: one finding per unknown subtree", "[analysis][config.unknown-key]") {
    auto found = deployment("server:\n  extra:\n    a: 1\n    b:\n      c: 2\n")
                     .findings("config.unknown-key");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.extra");
}

TEST_CASE("config.unknown-key: a near miss of an owned section name at the top level",
          "[analysis][config.unknown-key]") {
    auto found = deployment("sever:\n  port: 8000\n").findings("config.unknown-key");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "sever");
    CHECK_THAT(found[0].message, Catch::Contains("did you mean server?"));
    CHECK(deployment("manager_api:\n  url: x\n").findings("config.unknown-key").size() == 1);
}

TEST_CASE(
    "config.unknown-key: known keys, provider sections and unrelated top-level keys stay "
    "quiet",
    "[analysis][config.unknown-key]") {
    auto d = deployment(
        "server:\n  http_port: 8003\n  auth:\n    enabled: false\n"
        "xiaozhi:\n  audio_params:\n    format: opus\n"
        "LLM:\n  MyLLM:\n    whatever_key: 1\n"
        "plugins:\n  my_plugin:\n    anything: 2\n"
        "my_own_section:\n  foo: 1\nfoo: 2\n");
    CHECK(d.findings("config.unknown-key").empty());
}

TEST_CASE("config.legacy-key: server.ota_port and server.auth.tokens",
          "[analysis][config.legacy-key]") {
    auto d = deployment(
        "server:\n  ota_port: 8003\n  auth:\n    tokens:\n      - token: abc\n        name: dev\n");
    auto found = d.findings("config.legacy-key");
    REQUIRE(found.size() == 2);
    CHECK(found[0].key == "server.ota_port");
    CHECK_THAT(found[0].message, Catch::Contains("server.http_port"));
    CHECK(found[1].key == "server.auth.tokens");
    CHECK_THAT(found[1].message, Catch::Contains("server.auth_key"));
    // A legacy key is not also an unknown one.
    CHECK(d.findings("config.unknown-key").empty());
}

TEST_CASE("config.legacy-key: the current keys stay quiet", "[analysis][config.legacy-key]") {
    CHECK(deployment("server:\n  http_port: 8003\n  auth_key: 3f9c1a7e5b2d\n")
              .findings("config.legacy-key")
              .empty());
}

TEST_CASE("config.type: values of the wrong type", "[analysis][config.type]") {
    auto d = deployment(
        "server:\n  auth:\n    enabled: \"yes please\"\n  timezone_offset: eight\n"
        "  auth_key: 12345\n");
    auto found = d.findings("config.type");
    REQUIRE(found.size() == 3);
    CHECK(found[0].key == "server.auth.enabled");
    CHECK_THAT(found[0].message,
               Catch::StartsWith("server.auth.enabled: expected a boolean (true or false), got "
                                 "string \"yes please\""));
    CHECK(found[1].key == "server.timezone_offset");
    // Secrets are never shown.
    CHECK(found[2].key == "server.auth_key");
    CHECK_THAT(found[2].message, !Catch::Contains("12345"));
}

TEST_CASE("config.type: a map where a scalar belongs", "[analysis][config.type]") {
    auto d = deployment("server:\n  port:\n    value: 8000\n");
    auto found = d.findings("config.type");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.port");
    CHECK_THAT(found[0].message, Catch::Contains("got map"));
    CHECK(d.findings("config.unknown-key").empty());
}

TEST_CASE("config.type: the right types stay quiet", "[analysis][config.type]") {
    auto d = deployment(
        "server:\n  port: 8000\n  timezone_offset: +8\n  auth:\n    enabled: true\n"
        "    allowed_devices: [\"11:22:33:44:55:66\"]\n  auth_key: 3f9c1a7e\n"
        "  mqtt_gateway: null\n");
    CHECK(d.findings("config.type").empty());
}
