// The upstream rules: each fires on its case and stays quiet on the near miss.
#include <catch2/catch.hpp>

#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

// serve (runtime xiaozhi) with `yaml` as its config.yaml, on a host or in `compose`.
Deployment serve(const std::string& yaml, host::Snapshot host = {}, std::string compose = {}) {
    DeploymentSpec spec;
    spec.files = {yaml};
    spec.runtime = deploy::Runtime::xiaozhi;
    spec.host = std::move(host);
    spec.compose = std::move(compose);
    return deployment(spec);
}

std::string upstreams(const std::string& url) {
    return "upstream:\n  websocket:\n    - " + url + "\n";
}

// serve's image in a bridge network, beside the reference server and a database.
const std::string bridge_project =
    "services:\n"
    "  xiaozhi-esp32-server:\n"
    "    image: ghcr.io/xinnan-tech/xiaozhi-esp32-server:server_latest\n"
    "    ports:\n"
    "      - \"18000:8000\"\n"
    "  mysql:\n"
    "    image: mysql:8\n"
    "  reference:\n"
    "    build:\n"
    "      dockerfile: Dockerfile-server\n";

}  // namespace

TEST_CASE("upstream.loop: an upstream at serve's own WebSocket port", "[analysis][upstream]") {
    auto found = serve(upstreams("ws://127.0.0.1:8000/xiaozhi/v1/")).findings("upstream.loop");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "upstream.websocket");
    CHECK(found[0].origin.pos.to_string() == "config.yaml:3:7");
    CHECK_THAT(found[0].message,
               Catch::Contains("upstream.websocket[0] \"ws://127.0.0.1:8000/xiaozhi/v1/\" "
                               "(config.yaml:3:7) points at the WebSocket server (server.port") &&
                   Catch::Contains("relayed back to serve"));
    CHECK_THAT(found[0].suggestion, Catch::Contains("other than serve's 8000"));
    CHECK(found[0].related.size() == 1);

    CHECK(serve(upstreams("ws://127.0.0.1:8010/xiaozhi/v1/")).findings("upstream.loop").empty());
    CHECK(serve(upstreams("ws://localhost:8000/")).findings("upstream.loop").size() == 1);
    CHECK(serve(upstreams("ws://0.0.0.0:8000/")).findings("upstream.loop").size() == 1);
    CHECK(serve(upstreams("ws://10.9.9.9:8000/")).findings("upstream.loop").empty());
}

TEST_CASE("upstream.loop: the bind address decides what reaches serve", "[analysis][upstream]") {
    const std::string bound = "server:\n  ip: 10.1.1.1\n";
    CHECK(serve(bound + upstreams("ws://10.1.1.1:8000/")).findings("upstream.loop").size() == 1);
    // Bound to 10.1.1.1 only: loopback port 8000 is another program.
    CHECK(serve(bound + upstreams("ws://127.0.0.1:8000/")).findings("upstream.loop").empty());
    // One of this host's addresses, known from the probe, reaches a 0.0.0.0 listener.
    CHECK(serve(upstreams("ws://192.168.1.20:8000/"), probed_host())
              .findings("upstream.loop")
              .size() == 1);
    CHECK(serve(upstreams("ws://192.168.1.21:8000/"), probed_host())
              .findings("upstream.loop")
              .empty());
    // Without the probe an address is not known to be this host's.
    CHECK(serve(upstreams("ws://192.168.1.20:8000/")).findings("upstream.loop").empty());
}

TEST_CASE("upstream.loop: the TLS port, the shared listener and the OTA listener",
          "[analysis][upstream]") {
    const std::string tls = "server:\n  tls:\n    cert: c.pem\n    key: k.pem\n    port: 8443\n";
    auto found =
        serve(tls + upstreams("wss://127.0.0.1:8443/xiaozhi/v1/")).findings("upstream.loop");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("the TLS listener (server.tls.port"));
    CHECK(serve(tls + upstreams("wss://127.0.0.1:8444/")).findings("upstream.loop").empty());

    const std::string shared = "server:\n  port: 8000\n  http_port: 8000\n";
    CHECK(serve(shared + upstreams("ws://127.0.0.1:8000/")).findings("upstream.loop").size() == 1);

    // An OTA pass-through to serve's own HTTP port; the management API's 8002 is fine.
    found =
        serve("upstream:\n  ota: http://127.0.0.1:8003/xiaozhi/ota/\n").findings("upstream.loop");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "upstream.ota");
    CHECK_THAT(found[0].message, Catch::Contains("OTA request would be passed back"));
    CHECK(serve("upstream:\n  ota: http://127.0.0.1:8002/xiaozhi/ota/\n")
              .findings("upstream.loop")
              .empty());
    // The WebSocket port is not the OTA listener when they are two.
    CHECK(serve("upstream:\n  ota: http://127.0.0.1:8000/xiaozhi/ota/\n")
              .findings("upstream.loop")
              .empty());
}

TEST_CASE("upstream.loop: the address devices are given for serve", "[analysis][upstream]") {
    const std::string advertised = "server:\n  advertise_host: voice.example.com\n";
    CHECK(serve(advertised + upstreams("ws://voice.example.com:8000/"))
              .findings("upstream.loop")
              .size() == 1);
    CHECK(serve(advertised + upstreams("ws://voice.example.com:9000/"))
              .findings("upstream.loop")
              .empty());

    // A proxy in front of serve: the URL devices get is serve's, whatever its port.
    const std::string proxied = "server:\n  websocket: wss://voice.example.com/xiaozhi/v1/\n";
    auto found =
        serve(proxied + upstreams("wss://voice.example.com/xiaozhi/v1/")).findings("upstream.loop");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("is the address devices are given for serve "
                                                 "(server.websocket"));
    CHECK(serve(proxied + upstreams("wss://conversation.example.com/xiaozhi/v1/"))
              .findings("upstream.loop")
              .empty());
}

TEST_CASE("upstream.loop: in a compose container, loopback and its own service name are serve",
          "[analysis][upstream]") {
    CHECK(serve(upstreams("ws://127.0.0.1:8000/"), {}, bridge_project)
              .findings("upstream.loop")
              .size() == 1);
    CHECK(serve(upstreams("ws://xiaozhi-esp32-server:8000/"), {}, bridge_project)
              .findings("upstream.loop")
              .size() == 1);
    CHECK(serve(upstreams("ws://reference:8000/"), {}, bridge_project)
              .findings("upstream.loop")
              .empty());
    // This host's address at the published port reaches the container.
    CHECK(serve(upstreams("ws://192.168.1.20:18000/"), probed_host(), bridge_project)
              .findings("upstream.loop")
              .size() == 1);
    CHECK(serve(upstreams("ws://192.168.1.20:8000/"), probed_host(), bridge_project)
              .findings("upstream.loop")
              .empty());
}

TEST_CASE("upstream rules: the reference server never reads upstream", "[analysis][upstream]") {
    auto d = deployment(upstreams("http://127.0.0.1:8000/") + "server:\n  backend: relay\n");
    for (const Finding& finding : d.findings()) {
        CHECK(finding.rule.rfind("upstream.", 0) != 0);
    }
}

TEST_CASE("upstream.malformed: an upstream URL that does not parse", "[analysis][upstream]") {
    auto found = serve(
                     "upstream:\n  websocket:\n    - ws://10.0.0.5:8000/xiaozhi/v1/\n"
                     "    - url: ws://10.0.0.5:80a/xiaozhi/v1/\n      weight: 2\n")
                     .findings("upstream.malformed");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "upstream.websocket");
    CHECK(found[0].origin.pos.to_string() == "config.yaml:4:12");
    CHECK_THAT(found[0].message, Catch::StartsWith("upstream.websocket[1] \"ws://10.0.0.5:80a/"
                                                   "xiaozhi/v1/\" (config.yaml:4:12) does not "
                                                   "parse"));
    CHECK(
        serve(upstreams("ws://10.0.0.5:8000/xiaozhi/v1/")).findings("upstream.malformed").empty());

    found = serve("upstream:\n  ota: http://10.0.0.5:8002:8002/xiaozhi/ota/\n")
                .findings("upstream.malformed");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "upstream.ota");
    CHECK(found[0].origin.pos.to_string() == "config.yaml:2:8");
}

TEST_CASE("upstream.scheme: ws/wss for sessions, http/https for OTA", "[analysis][upstream]") {
    auto found = serve(upstreams("https://10.0.0.5/xiaozhi/v1/")).findings("upstream.scheme");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK_THAT(found[0].message,
               Catch::Contains("an upstream WebSocket URL needs ws:// or wss://"));
    CHECK(found[0].suggestion == "use wss://10.0.0.5/xiaozhi/v1/");
    CHECK(serve(upstreams("wss://10.0.0.5/xiaozhi/v1/")).findings("upstream.scheme").empty());

    found =
        serve("upstream:\n  ota: ws://10.0.0.5:8002/xiaozhi/ota/\n").findings("upstream.scheme");
    REQUIRE(found.size() == 1);
    CHECK(found[0].suggestion == "use http://10.0.0.5:8002/xiaozhi/ota/");
    CHECK(serve("upstream:\n  ota: https://10.0.0.5/xiaozhi/ota/\n")
              .findings("upstream.scheme")
              .empty());
}

TEST_CASE("upstream.missing: the relay backend with nothing to relay to", "[analysis][upstream]") {
    auto found = serve("server:\n  backend: relay\n").findings("upstream.missing");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "server.backend");
    CHECK(found[0].origin.pos.to_string() == "config.yaml:2:12");
    CHECK(serve("server:\n  backend: relay\nupstream:\n  websocket: []\n")
              .findings("upstream.missing")
              .size() == 1);
    CHECK(serve("server:\n  backend: relay\n" + upstreams("ws://10.0.0.5:8000/"))
              .findings("upstream.missing")
              .empty());
    CHECK(serve("server:\n  backend: echo\n").findings("upstream.missing").empty());
}

TEST_CASE("upstream.loopback-in-container: loopback in a bridge container is the container",
          "[analysis][upstream]") {
    auto found = serve(upstreams("ws://127.0.0.1:8010/xiaozhi/v1/"), {}, bridge_project)
                     .findings("upstream.loopback-in-container");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK_THAT(found[0].message,
               Catch::Contains("compose service xiaozhi-esp32-server (a bridge network)"));
    CHECK(found[0].suggestion ==
          "use the conversation server's compose service name, e.g. "
          "ws://reference:8010/xiaozhi/v1/ (the project's other services: reference, mysql)");
    CHECK(serve(upstreams("ws://reference:8000/xiaozhi/v1/"), {}, bridge_project)
              .findings("upstream.loopback-in-container")
              .empty());
    // On the host's network loopback is the host's.
    CHECK(serve(upstreams("ws://127.0.0.1:8010/xiaozhi/v1/"))
              .findings("upstream.loopback-in-container")
              .empty());
    std::string host_network = bridge_project;
    host_network.insert(host_network.find("    ports:"), "    network_mode: host\n");
    CHECK(serve(upstreams("ws://127.0.0.1:8010/xiaozhi/v1/"), {}, host_network)
              .findings("upstream.loopback-in-container")
              .empty());
}

TEST_CASE("upstream.not-listening: (probe) nothing listens at an upstream on this host",
          "[analysis][upstream]") {
    auto found = serve(upstreams("ws://127.0.0.1:8010/xiaozhi/v1/"), probed_host())
                     .findings("upstream.not-listening");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK_THAT(found[0].message, Catch::Contains("port 8010, where nothing listens now: it may "
                                                 "start later"));

    host::Snapshot running = probed_host();
    running.sockets.push_back(held(8010, "0.0.0.0"));
    CHECK(serve(upstreams("ws://127.0.0.1:8010/xiaozhi/v1/"), running)
              .findings("upstream.not-listening")
              .empty());
    host::Snapshot on_v6 = probed_host();
    on_v6.sockets.push_back(held(8010, "::1"));
    CHECK(
        serve(upstreams("ws://localhost:8010/"), on_v6).findings("upstream.not-listening").empty());
    CHECK(
        serve(upstreams("ws://127.0.0.1:8010/"), on_v6).findings("upstream.not-listening").size() ==
        1);
    CHECK(serve(upstreams("ws://192.168.1.20:8010/"), probed_host())
              .findings("upstream.not-listening")
              .size() == 1);
    // Another machine, or no probe: nothing to say.
    CHECK(serve(upstreams("ws://10.9.9.9:8010/"), probed_host())
              .findings("upstream.not-listening")
              .empty());
    CHECK(serve(upstreams("ws://127.0.0.1:8010/")).findings("upstream.not-listening").empty());
    // The OTA pass-through too.
    CHECK(serve("upstream:\n  ota: http://127.0.0.1:8002/xiaozhi/ota/\n", probed_host())
              .findings("upstream.not-listening")
              .size() == 1);
}

TEST_CASE("upstream config.type: words, ranges and entry shapes serve refuses",
          "[analysis][upstream]") {
    auto types = [](const std::string& yaml) { return serve(yaml).findings("config.type"); };
    auto found = types("server:\n  backend: proxy\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.backend");
    CHECK_THAT(found[0].message, Catch::Contains("which is not echo or relay"));
    CHECK(types("server:\n  backend: echo\n").empty());
    CHECK(types("upstream:\n  health: tcp\n").size() == 1);
    CHECK(types("upstream:\n  health: hello\n  ota_fallback: fail\n").empty());
    CHECK(types("upstream:\n  ota_fallback: retry\n").size() == 1);

    found = types("upstream:\n  fall: 0\n");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("upstream.fall is 0 (config.yaml:2:9), outside "
                                                 "1..100 checks"));
    CHECK(types("upstream:\n  fall: 1\n  rise: 100\n  drain_timeout: 0\n").empty());
    CHECK(types("upstream:\n  connect_timeout: 61\n").size() == 1);
    // A string where an integer belongs is the schema's config.type, reported once.
    CHECK(types("upstream:\n  health_interval: soon\n").size() == 1);

    found = types("upstream:\n  websocket:\n    - 8000\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "upstream.websocket");
    CHECK(found[0].origin.pos.to_string() == "config.yaml:3:7");
    CHECK_THAT(found[0].message, Catch::Contains("must be a URL or a {url, weight} table"));
    CHECK(types("upstream:\n  websocket: ws://10.0.0.5:8000/\n").size() == 1);
    found = types("upstream:\n  websocket:\n    - url: ws://10.0.0.5:8000/\n      weight: 0\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].origin.pos.to_string() == "config.yaml:4:15");
    CHECK(types("upstream:\n  websocket:\n    - url: ws://10.0.0.5:8000/\n      weight: 1000\n")
              .empty());
}

TEST_CASE("config.unknown-key: a typo in the upstream section", "[analysis][upstream]") {
    auto found = serve("upstream:\n  webscoket: []\n").findings("config.unknown-key");
    REQUIRE(found.size() == 1);
    CHECK(found[0].suggestion == "rename it to upstream.websocket");
}
