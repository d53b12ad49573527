// auth.weak-secret, auth.placeholder-secret and mqtt.endpoint.
#include <catch2/catch.hpp>

#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

TEST_CASE("auth.weak-secret: auth enabled without a usable key", "[analysis][auth.weak-secret]") {
    for (std::string key_line : {"", "  auth_key: \"\"\n", "  auth_key: 你的auth_key\n",
                                 "  auth_key: your-secret-here\n"}) {
        CAPTURE(key_line);
        auto found = deployment("server:\n  auth:\n    enabled: true\n" + key_line)
                         .findings("auth.weak-secret");
        REQUIRE(found.size() == 1);
        CHECK(found[0].severity == Severity::warning);
        CHECK(found[0].key == "server.auth_key");
        CHECK_THAT(found[0].message, !Catch::Contains("your-secret-here"));
    }
}

TEST_CASE("auth.weak-secret: a real key, auth disabled, or the management API's secret",
          "[analysis][auth.weak-secret]") {
    CHECK(deployment("server:\n  auth:\n    enabled: true\n  auth_key: 3f9c1a7e5b2d4c6e\n")
              .findings("auth.weak-secret")
              .empty());
    CHECK(
        deployment("server:\n  auth:\n    enabled: false\n").findings("auth.weak-secret").empty());
    CHECK(deployment("server:\n  auth:\n    enabled: true\n"
                     "manager-api:\n  url: http://10.0.0.5:8002/xiaozhi\n  secret: 0f8e7d6c5b4a\n")
              .findings("auth.weak-secret")
              .empty());
    CHECK(deployment("server:\n  auth:\n    enabled: true\nmanager-api:\n  secret: 0f8e7d6c5b4a\n")
              .findings("auth.weak-secret")
              .empty());
    CHECK(deployment("server:\n  auth:\n    enabled: true\nmanager-api:\n  secret: 你的secret\n")
              .findings("auth.weak-secret")
              .size() == 1);
}

TEST_CASE("auth.placeholder-secret: manager-api.url with the template secret",
          "[analysis][auth.placeholder-secret]") {
    for (std::string secret_line :
         {"  secret: 你的server.secret值\n", "  secret: \"\"\n", "", "  secret: null\n",
          "  secret: \"null\"\n", "  secret: placeholder\n"}) {
        CAPTURE(secret_line);
        auto found = deployment("manager-api:\n  url: http://10.0.0.5:8002/xiaozhi\n" + secret_line)
                         .findings("auth.placeholder-secret");
        REQUIRE(found.size() == 1);
        CHECK(found[0].severity == Severity::error);
        CHECK(found[0].key == "manager-api.secret");
    }
}

TEST_CASE("auth.placeholder-secret: a real secret, or no manager-api.url",
          "[analysis][auth.placeholder-secret]") {
    CHECK(deployment("manager-api:\n  url: http://10.0.0.5:8002/xiaozhi\n  secret: 0f8e7d6c5b4a\n")
              .findings("auth.placeholder-secret")
              .empty());
    CHECK(deployment("manager-api:\n  url: \"\"\n  secret: 你的server.secret值\n")
              .findings("auth.placeholder-secret")
              .empty());
}

TEST_CASE("mqtt.endpoint: gateways without a port", "[analysis][mqtt.endpoint]") {
    auto d = deployment("server:\n  mqtt_gateway: mqtt.example.com\n  udp_gateway: 10.0.0.5\n");
    auto found = d.findings("mqtt.endpoint");
    REQUIRE(found.size() == 2);
    CHECK(found[0].key == "server.mqtt_gateway");
    CHECK(found[0].severity == Severity::error);
    CHECK_THAT(found[0].suggestion, Catch::StartsWith("write it as mqtt.example.com:1883"));
    CHECK(found[1].key == "server.udp_gateway");
    CHECK_THAT(found[1].suggestion, Catch::StartsWith("write it as 10.0.0.5:8884"));
}

TEST_CASE("mqtt.endpoint: host:port, null and unset stay quiet", "[analysis][mqtt.endpoint]") {
    CHECK(deployment("server:\n  mqtt_gateway: mqtt.example.com:1883\n  udp_gateway: null\n")
              .findings("mqtt.endpoint")
              .empty());
    CHECK(deployment("server:\n  port: 8000\n").findings("mqtt.endpoint").empty());
}
