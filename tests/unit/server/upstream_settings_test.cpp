// read_server_settings for server.backend and upstream: defaults, values, refusals at their place.
#include <catch2/catch.hpp>

#include "settings_of.hpp"

using namespace xiaozhi;
using namespace std::chrono_literals;
using xiaozhi::test::settings_of;
using Backend = server::ServerSettings::Backend;
using Upstream = server::UpstreamSettings;

TEST_CASE("upstream settings: the echo backend and the defaults", "[settings][upstream]") {
    const server::ServerSettings s = settings_of("");
    CHECK(s.backend == Backend::echo);
    const Upstream& u = s.upstream;
    CHECK(u.websocket.empty());
    CHECK(u.auth_key.empty());
    CHECK(u.ca.empty());
    CHECK(u.health == Upstream::HealthCheck::http);
    CHECK(u.health_interval == 5s);
    CHECK(u.fall == 3);
    CHECK(u.rise == 2);
    CHECK_FALSE(u.sticky);
    CHECK(u.drain_timeout == 60s);
    CHECK(u.connect_timeout == 5s);
    CHECK(u.ota.empty());
    CHECK_FALSE(u.ota_parsed.has_value());
    CHECK(u.ota_fallback == Upstream::OtaFallback::local);
    CHECK(u.ota_timeout == 5s);
}

TEST_CASE("upstream settings: the relay backend with every key set", "[settings][upstream]") {
    const server::ServerSettings s = settings_of(
        "[server]\nbackend = \"relay\"\n"
        "[upstream]\n"
        "websocket = [\"ws://10.0.0.5:8000/xiaozhi/v1/\",\n"
        "             { url = \"wss://voice.example.com/xiaozhi/v1/\", weight = 3 }]\n"
        "auth_key = \"k3y\"\nca = \"certs/upstream-ca.pem\"\nhealth = \"hello\"\nhealth_interval = "
        "10\nfall = 5\nrise = 4\n"
        "sticky = true\ndrain_timeout = 0\nconnect_timeout = 2\n"
        "ota = \"http://10.0.0.5:8002/xiaozhi/ota/\"\nota_fallback = \"fail\"\nota_timeout = 7\n");
    CHECK(s.backend == Backend::relay);
    const Upstream& u = s.upstream;
    REQUIRE(u.websocket.size() == 2);
    CHECK(u.websocket[0].url == "ws://10.0.0.5:8000/xiaozhi/v1/");
    CHECK(u.websocket[0].parsed.host == "10.0.0.5");
    CHECK(u.websocket[0].parsed.port == 8000);
    CHECK(u.websocket[0].weight == 1);
    CHECK(u.websocket[1].url == "wss://voice.example.com/xiaozhi/v1/");
    CHECK(u.websocket[1].parsed.scheme == "wss");
    CHECK(u.websocket[1].parsed.port == 443);
    CHECK(u.websocket[1].weight == 3);
    CHECK(u.auth_key == "k3y");
    CHECK(u.ca == "/srv/x/certs/upstream-ca.pem");
    CHECK(u.health == Upstream::HealthCheck::hello);
    CHECK(u.health_interval == 10s);
    CHECK(u.fall == 5);
    CHECK(u.rise == 4);
    CHECK(u.sticky);
    CHECK(u.drain_timeout == 0s);
    CHECK(u.connect_timeout == 2s);
    CHECK(u.ota == "http://10.0.0.5:8002/xiaozhi/ota/");
    REQUIRE(u.ota_parsed.has_value());
    CHECK(u.ota_parsed->port == 8002);
    CHECK(u.ota_parsed->path == "/xiaozhi/ota/");
    CHECK(u.ota_fallback == Upstream::OtaFallback::fail);
    CHECK(u.ota_timeout == 7s);
}

TEST_CASE("upstream settings: an upstream list with the echo backend is read too",
          "[settings][upstream]") {
    const server::ServerSettings s =
        settings_of("[upstream]\nwebsocket = [\"ws://10.0.0.5:8000/xiaozhi/v1/\"]\n");
    CHECK(s.backend == Backend::echo);
    CHECK(s.upstream.websocket.size() == 1);
}

TEST_CASE("upstream settings: unknown words name their place", "[settings][upstream]") {
    CHECK_THROWS_WITH(settings_of("[server]\nbackend = \"proxy\"\n"),
                      Catch::Contains("xiaozhi.toml:2:11") &&
                          Catch::Contains("server.backend must be echo or relay, not 'proxy'"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nhealth = \"tcp\"\n"),
                      Catch::Contains("xiaozhi.toml:2:10") &&
                          Catch::Contains("upstream.health must be http or hello"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nota_fallback = \"retry\"\n"),
                      Catch::Contains("xiaozhi.toml:2:16") &&
                          Catch::Contains("upstream.ota_fallback must be local or fail"));
}

TEST_CASE("upstream settings: the relay backend needs an upstream", "[settings][upstream]") {
    CHECK_THROWS_WITH(settings_of("[server]\nbackend = \"relay\"\n"),
                      Catch::Contains("xiaozhi.toml:2:11") &&
                          Catch::Contains("upstream.websocket lists no upstream"));
    CHECK_THROWS_WITH(settings_of("[server]\nbackend = \"relay\"\n[upstream]\nwebsocket = []\n"),
                      Catch::Contains("upstream.websocket lists no upstream"));
}

TEST_CASE("upstream settings: wrong types and ranges name their place", "[settings][upstream]") {
    CHECK_THROWS_WITH(
        settings_of("[upstream]\nhealth_interval = 0\n"),
        Catch::Contains("xiaozhi.toml:2:19") &&
            Catch::Contains("upstream.health_interval must be an integer in 1..3600"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nfall = 101\n"),
                      Catch::Contains("upstream.fall must be an integer in 1..100"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nrise = \"2\"\n"),
                      Catch::Contains("upstream.rise must be an integer in 1..100"));
    CHECK_THROWS_WITH(settings_of("[upstream]\ndrain_timeout = -1\n"),
                      Catch::Contains("upstream.drain_timeout must be an integer in 0..86400"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nconnect_timeout = 61\n"),
                      Catch::Contains("upstream.connect_timeout must be an integer in 1..60"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nota_timeout = 0\n"),
                      Catch::Contains("upstream.ota_timeout must be an integer in 1..60"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nsticky = \"yes\"\n"),
                      Catch::Contains("upstream.sticky must be true or false"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nauth_key = 5\n"),
                      Catch::Contains("upstream.auth_key must be a string"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nca = [\"a.pem\"]\n"),
                      Catch::Contains("upstream.ca must be a string"));
    CHECK_THROWS_WITH(
        settings_of("[upstream]\nota = 8002\n"),
        Catch::Contains("xiaozhi.toml:2:7") && Catch::Contains("upstream.ota must be a string"));
}

TEST_CASE("upstream settings: upstream.websocket entries that are not usable",
          "[settings][upstream]") {
    CHECK_THROWS_WITH(settings_of("[upstream]\nwebsocket = \"ws://10.0.0.5:8000/xiaozhi/v1/\"\n"),
                      Catch::Contains("xiaozhi.toml:2:13") &&
                          Catch::Contains("upstream.websocket must be a list of URLs"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nwebsocket = [8000]\n"),
                      Catch::Contains("xiaozhi.toml:2:14") &&
                          Catch::Contains("upstream.websocket[0] must be a URL or a {url, weight} "
                                          "table"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nwebsocket = [{ weight = 2 }]\n"),
                      Catch::Contains("upstream.websocket[0] has no url"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nwebsocket = [{ url = 1 }]\n"),
                      Catch::Contains("upstream.websocket[0] has a url that is not a string"));
    CHECK_THROWS_WITH(
        settings_of("[upstream]\nwebsocket = [{ url = \"ws://a:1/\", wieght = 2 }]\n"),
        Catch::Contains("upstream.websocket[0] has the unknown field wieght"));
}

TEST_CASE("upstream settings: weights are integers in 1..1000", "[settings][upstream]") {
    for (const char* weight : {"0", "1001", "1.5", "\"2\""}) {
        CAPTURE(weight);
        CHECK_THROWS_WITH(settings_of(std::string("[upstream]\nwebsocket = [\"ws://a:1/\",\n"
                                                  "  { url = \"ws://b:1/\", weight = ") +
                                      weight + " }]\n"),
                          Catch::Contains("xiaozhi.toml:3:33") &&
                              Catch::Contains("upstream.websocket[1] \"ws://b:1/\" has weight") &&
                              Catch::Contains("weights are integers in 1..1000"));
    }
    CHECK(settings_of("[upstream]\nwebsocket = [{ url = \"ws://b:1/\", weight = 1000 }]\n")
              .upstream.websocket.front()
              .weight == 1000);
}

TEST_CASE("upstream settings: malformed and wrong-scheme URLs", "[settings][upstream]") {
    CHECK_THROWS_WITH(
        settings_of("[upstream]\nwebsocket = [\"ws://10.0.0.5:8000/\", \"ws://10.0.0.5:80a/\"]\n"),
        Catch::Contains("xiaozhi.toml:2:37") &&
            Catch::Contains("upstream.websocket[1] \"ws://10.0.0.5:80a/\" does not parse"));
    CHECK_THROWS_WITH(
        settings_of("[upstream]\nwebsocket = [\"http://10.0.0.5:8000/xiaozhi/v1/\"]\n"),
        Catch::Contains("xiaozhi.toml:2:14") &&
            Catch::Contains("uses http://, but an upstream WebSocket URL needs ws:// or wss://"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nwebsocket = [{ url = \"10.0.0.5:8000\" }]\n"),
                      Catch::Contains("upstream.websocket[0] \"10.0.0.5:8000\""));
    CHECK_THROWS_WITH(settings_of("[upstream]\nota = \"ws://10.0.0.5:8002/xiaozhi/ota/\"\n"),
                      Catch::Contains("xiaozhi.toml:2:7") &&
                          Catch::Contains("an upstream OTA URL needs http:// or https://"));
    CHECK_THROWS_WITH(settings_of("[upstream]\nota = \"http://10.0.0.5:99999/\"\n"),
                      Catch::Contains("upstream.ota \"http://10.0.0.5:99999/\" does not parse"));
}
