// upstream.websocket and upstream.ota read into checked entries with the place of each problem.
#include <catch2/catch.hpp>

#include "config/parse.hpp"
#include "deploy/upstream_urls.hpp"

using namespace xiaozhi;
using deploy::UpstreamProblem;

namespace {

config::Effective effective_from_yaml(const std::string& yaml) {
    config::Layer layer;
    layer.kind = config::LayerKind::file;
    layer.source = "test.yaml";
    layer.tree = config::parse_text(yaml, config::Syntax::yaml, "test.yaml");
    return config::Effective::merge({layer});
}

std::vector<deploy::UpstreamEntry> entries_of(const std::string& yaml) {
    return deploy::upstream_websocket_entries(effective_from_yaml(yaml));
}

}  // namespace

TEST_CASE("upstream urls: strings and tables in order, with weights", "[deploy][upstream]") {
    const auto entries = entries_of(
        "upstream:\n  websocket:\n    - ws://10.0.0.5:8000/xiaozhi/v1/\n"
        "    - {url: \"wss://voice.example.com/xiaozhi/v1/\", weight: 4}\n");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].key == "upstream.websocket[0]");
    CHECK(entries[0].problem == UpstreamProblem::none);
    CHECK(entries[0].weight == 1);
    CHECK(entries[0].parsed->port == 8000);
    CHECK(entries[0].pos.to_string() == "test.yaml:3:7");
    CHECK(entries[1].key == "upstream.websocket[1]");
    CHECK(entries[1].url == "wss://voice.example.com/xiaozhi/v1/");
    CHECK(entries[1].weight == 4);
    CHECK(entries[1].parsed->scheme == "wss");
    CHECK(entries[1].pos.to_string() == "test.yaml:4:13");
}

TEST_CASE("upstream urls: unset, null and empty lists have no entries", "[deploy][upstream]") {
    CHECK(entries_of("server:\n  port: 8000\n").empty());
    CHECK(entries_of("upstream:\n  websocket:\n").empty());
    CHECK(entries_of("upstream:\n  websocket: []\n").empty());
}

TEST_CASE("upstream urls: each problem with its kind and place", "[deploy][upstream]") {
    const auto entries = entries_of(
        "upstream:\n  websocket:\n    - http://10.0.0.5:8000/\n    - ws://10.0.0.5:port/\n"
        "    - {url: ws://a/, weight: 0}\n    - [ws://a/]\n");
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].problem == UpstreamProblem::scheme);
    CHECK_FALSE(entries[0].parsed.has_value());
    CHECK(deploy::upstream_problem_text(entries[0]) ==
          "upstream.websocket[0] \"http://10.0.0.5:8000/\" uses http://, but an upstream "
          "WebSocket URL needs ws:// or wss://");
    CHECK(entries[1].problem == UpstreamProblem::malformed);
    CHECK(entries[2].problem == UpstreamProblem::shape);
    CHECK(entries[2].pos.to_string() == "test.yaml:5:30");
    CHECK(entries[3].problem == UpstreamProblem::shape);
    CHECK(deploy::upstream_problem_text(entries[3]) ==
          "upstream.websocket[3] must be a URL or a {url, weight} table");

    const auto scalar = entries_of("upstream:\n  websocket: ws://10.0.0.5:8000/\n");
    REQUIRE(scalar.size() == 1);
    CHECK(scalar[0].key == "upstream.websocket");
    CHECK(scalar[0].problem == UpstreamProblem::shape);
}

TEST_CASE("upstream urls: upstream.ota when it is a non-empty string", "[deploy][upstream]") {
    CHECK_FALSE(deploy::upstream_ota_entry(effective_from_yaml("upstream:\n  ota: \"\"\n")));
    CHECK_FALSE(deploy::upstream_ota_entry(effective_from_yaml("upstream:\n  ota: 8002\n")));
    const auto ota = deploy::upstream_ota_entry(
        effective_from_yaml("upstream:\n  ota: https://m/xiaozhi/ota/\n"));
    REQUIRE(ota.has_value());
    CHECK(ota->key == "upstream.ota");
    CHECK(ota->parsed->port == 443);
    const auto wrong =
        deploy::upstream_ota_entry(effective_from_yaml("upstream:\n  ota: wss://m/xiaozhi/ota/\n"));
    REQUIRE(wrong.has_value());
    CHECK(wrong->problem == UpstreamProblem::scheme);
}
