// The pushed layer: the current remote layer plus --file, --set, --unset.
#include <catch2/catch.hpp>

#include "config/input_error.hpp"
#include "config/parse.hpp"
#include "remote_change.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;

namespace {

config::Node json_tree(const std::string& text) {
    return config::parse_text(text, config::Syntax::json, "current");
}

}  // namespace

TEST_CASE("a change merges over the current layer key by key", "[client][change]") {
    test::TempDir dir;
    client::RemoteChange change;
    change.file = dir.write("layer.toml", "[server]\nwebsocket_version = 3\n");
    change.assignments = {"server.port=8100"};
    const config::Node tree = client::changed_tree(
        json_tree(R"({"server": {"port": 8000, "timezone_offset": 8}})"), change);
    CHECK(tree.find(config::Path{"server", "port"})->integer == 8100);
    CHECK(tree.find(config::Path{"server", "port"})->pos.file == "--set server.port=8100");
    CHECK(tree.find(config::Path{"server", "timezone_offset"})->integer == 8);
    CHECK(tree.find(config::Path{"server", "websocket_version"})->integer == 3);
    CHECK(config::same_value(json_tree(client::layer_body(tree)), tree));
}

TEST_CASE("ota-push --unset removes a key and the sections it empties", "[client][change]") {
    client::RemoteChange change;
    change.removals = {"server.websocket"};
    const config::Node tree = client::changed_tree(
        json_tree(R"({"server": {"websocket": "ws://a:1/"}, "x": 1})"), change);
    CHECK(tree.find("server") == nullptr);
    CHECK(tree.find("x") != nullptr);

    change.removals = {"server.port"};
    CHECK_THROWS_AS(client::changed_tree(json_tree(R"({"server": {"websocket": "w"}})"), change),
                    config::InputError);
}

TEST_CASE("bad change inputs are input errors", "[client][change]") {
    client::RemoteChange change;
    change.assignments = {"server.port"};
    CHECK_THROWS_AS(client::changed_tree(json_tree("{}"), change), config::InputError);
    change.assignments.clear();
    change.file = "/nonexistent/layer.toml";
    CHECK_THROWS_AS(client::changed_tree(json_tree("{}"), change), config::InputError);
}

TEST_CASE("a management API remote layer drops the keys that stay local", "[client][change]") {
    const config::Node tree =
        json_tree(R"({"server": {"port": 9000, "websocket": "ws://10.0.0.2:8000/xiaozhi/v1/"}})");
    const config::Layer kept = client::remote_layer_of(tree, false);
    CHECK(kept.tree.find(config::Path{"server", "port"}) != nullptr);
    CHECK(kept.dropped.empty());
    const config::Layer dropped = client::remote_layer_of(tree, true);
    CHECK(dropped.tree.find(config::Path{"server", "port"}) == nullptr);
    CHECK(dropped.tree.find(config::Path{"server", "websocket"}) != nullptr);
    REQUIRE(dropped.dropped.size() == 1);
    CHECK(config::join_path(dropped.dropped[0].path) == "server.port");
}

TEST_CASE("merging replaces scalars and lists, merges maps", "[client][change]") {
    const config::Node merged = client::merge_trees(json_tree(R"({"a": {"b": [1, 2], "c": 1}})"),
                                                    json_tree(R"({"a": {"b": [3]}})"));
    CHECK(config::same_value(merged, json_tree(R"({"a": {"b": [3], "c": 1}})")));
}
