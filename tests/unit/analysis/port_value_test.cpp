// port.invalid and config.type on port values: out-of-range integers and non-numbers.
#include <catch2/catch.hpp>

#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

TEST_CASE("port.invalid: an integer outside 1..65535", "[analysis][port.invalid]") {
    auto d = deployment("server:\n  port: 70000\n  http_port: 0\n");
    auto found = d.findings("port.invalid");
    REQUIRE(found.size() == 2);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "server.port");
    CHECK_THAT(found[0].message, Catch::Contains("70000") && Catch::Contains("config.yaml:2:9"));
    CHECK(found[1].key == "server.http_port");
    CHECK(d.findings("config.type").empty());
    // No listener exists for an invalid port, so nothing else reports it.
    CHECK(d.findings("port.conflict").empty());
}

TEST_CASE("port.invalid: the bounds themselves are valid", "[analysis][port.invalid]") {
    auto d = deployment("server:\n  port: 1\n  http_port: 65535\n");
    CHECK(d.findings("port.invalid").empty());
}

TEST_CASE("port.invalid: a non-numeric string is only a type error",
          "[analysis][port.invalid][config.type]") {
    auto d = deployment("server:\n  port: \"80a\"\n");
    CHECK(d.findings("port.invalid").empty());
    auto types = d.findings("config.type");
    REQUIRE(types.size() == 1);
    CHECK_THAT(types[0].message, Catch::StartsWith("server.port: expected an integer, got string "
                                                   "\"80a\""));
}

TEST_CASE("port.invalid: a numeric string out of range is both", "[analysis][port.invalid]") {
    auto d = deployment("server:\n  http_port: \"99999\"\n");
    CHECK(d.findings("port.invalid").size() == 1);
    CHECK(d.findings("config.type").size() == 1);
}

TEST_CASE("port.invalid: the port of manager-api.url", "[analysis][port.invalid]") {
    auto bad =
        deployment("manager-api:\n  url: http://10.0.0.5:99999/xiaozhi\n  secret: 0f8e7d6c5b4a\n");
    auto found = bad.findings("port.invalid");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "manager-api.url");
    CHECK_THAT(found[0].message, Catch::Contains("99999"));

    auto good =
        deployment("manager-api:\n  url: http://10.0.0.5:8002/xiaozhi\n  secret: 0f8e7d6c5b4a\n");
    CHECK(good.findings("port.invalid").empty());
}
