// url.unroutable, url.container-address, url.docker-host, url.sentinel-host: bad hosts.
#include <catch2/catch.hpp>

#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

Deployment with_websocket(const std::string& url, const std::string& ip = "0.0.0.0") {
    return deployment("server:\n  ip: " + ip + "\n  websocket: \"" + url + "\"\n");
}

}  // namespace

TEST_CASE("url.unroutable: bind-all and loopback hosts", "[analysis][url.unroutable]") {
    for (std::string host : {"0.0.0.0", "127.0.0.1", "[::]", "[::1]", "localhost"}) {
        CAPTURE(host);
        auto found =
            with_websocket("ws://" + host + ":8000/xiaozhi/v1/").findings("url.unroutable");
        REQUIRE(found.size() == 1);
        CHECK(found[0].severity == Severity::error);
    }
}

TEST_CASE("url.unroutable: only a warning when server.ip is loopback too",
          "[analysis][url.unroutable]") {
    auto found =
        with_websocket("ws://127.0.0.1:8000/xiaozhi/v1/", "127.0.0.1").findings("url.unroutable");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
}

TEST_CASE("url.unroutable: a LAN address stays quiet", "[analysis][url.unroutable]") {
    CHECK(with_websocket("ws://192.168.1.4:8000/xiaozhi/v1/").findings("url.unroutable").empty());
}

TEST_CASE("url.container-address: a Docker bridge address", "[analysis][url.container-address]") {
    auto found =
        with_websocket("ws://172.18.0.2:8000/xiaozhi/v1/").findings("url.container-address");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK(with_websocket("ws://172.32.0.2:8000/xiaozhi/v1/")
              .findings("url.container-address")
              .empty());
}

TEST_CASE("url.docker-host: host.docker.internal and the Docker Desktop VM",
          "[analysis][url.docker-host]") {
    CHECK(with_websocket("ws://host.docker.internal:8000/xiaozhi/v1/")
              .findings("url.docker-host")
              .size() == 1);
    CHECK(with_websocket("ws://192.168.65.2:8000/xiaozhi/v1/").findings("url.docker-host").size() ==
          1);
    CHECK(with_websocket("ws://192.168.66.2:8000/xiaozhi/v1/").findings("url.docker-host").empty());
}

TEST_CASE("url.sentinel-host: the management API's fallback host and an empty URL",
          "[analysis][url.sentinel-host]") {
    auto sentinel =
        with_websocket("ws://xiaozhi.server.com:8000/xiaozhi/v1/").findings("url.sentinel-host");
    REQUIRE(sentinel.size() == 1);
    CHECK(sentinel[0].severity == Severity::error);

    auto empty = deployment("server:\n  vision_explain: \"\"\n").findings("url.sentinel-host");
    REQUIRE(empty.size() == 1);
    CHECK(empty[0].key == "server.vision_explain");
}

TEST_CASE("url.sentinel-host: a real name, and an unset URL, stay quiet",
          "[analysis][url.sentinel-host]") {
    CHECK(with_websocket("ws://xiaozhi.example.com:8000/xiaozhi/v1/")
              .findings("url.sentinel-host")
              .empty());
    CHECK(deployment("server:\n  port: 8000\n").findings("url.sentinel-host").empty());
}
