// Effective::merge: precedence of the five layers, provenance chains, replaced subtrees, dropped
// values.
#include <catch2/catch.hpp>

#include "config/effective.hpp"
#include "config/parse.hpp"

using namespace xiaozhi::config;

namespace {

Layer yaml_layer(LayerKind kind, const std::string& source, const std::string& text) {
    return Layer{kind, source, parse_text(text, Syntax::yaml, source), {}};
}

}  // namespace

TEST_CASE("All five layers in precedence order, with the chain of overridden values") {
    const std::vector<Layer> layers = {
        defaults_layer(),
        yaml_layer(LayerKind::file, "config.yaml", "server:\n  port: 8001\n"),
        yaml_layer(LayerKind::file, "data/.config.yaml", "server:\n  port: 8002\n"),
        yaml_layer(LayerKind::remote, "remote.yaml", "server:\n  port: 8003\n"),
        environment_layer({"XIAOZHI_SERVER__PORT=8004"}),
        command_line_layer({"server.port=8005"}),
    };
    const Effective effective = Effective::merge(layers);
    CHECK(effective.get_int("server.port") == 8005);
    const Entry* entry = effective.entry("server.port");
    REQUIRE(entry != nullptr);
    CHECK(entry->origin.layer == "set");
    CHECK(entry->origin.to_string() == "--set server.port=8005");
    REQUIRE(entry->overridden.size() == 5);
    CHECK(entry->overridden[0].origin.layer == "env");
    CHECK(entry->overridden[0].origin.to_string() == "environment XIAOZHI_SERVER__PORT");
    CHECK(entry->overridden[0].value.integer == 8004);
    CHECK(entry->overridden[1].origin.layer == "remote");
    CHECK(entry->overridden[1].origin.to_string() == "remote.yaml:2:9");
    CHECK(entry->overridden[2].origin.to_string() == "data/.config.yaml:2:9");
    CHECK(entry->overridden[3].origin.to_string() == "config.yaml:2:9");
    CHECK(entry->overridden[3].value.integer == 8001);
    CHECK(entry->overridden[4].origin.layer == "default");
    CHECK(entry->overridden[4].origin.to_string() == "built-in default");
    CHECK(entry->overridden[4].value.integer == 8000);
}

TEST_CASE("Each layer wins over the ones below it and only where it sets a value") {
    const std::vector<Layer> layers = {
        defaults_layer(),
        yaml_layer(LayerKind::file, "a.yaml", "server:\n  ip: 1.1.1.1\n  http_port: 9003\n"),
        yaml_layer(LayerKind::remote, "r.yaml", "server:\n  ip: 2.2.2.2\n"),
        environment_layer({"XIAOZHI_SERVER__HELLO_TIMEOUT=5"}),
    };
    const Effective effective = Effective::merge(layers);
    CHECK(effective.get_string("server.ip") == "2.2.2.2");
    CHECK(effective.origin_of("server.ip").layer == "remote");
    CHECK(effective.get_int("server.http_port") == 9003);
    CHECK(effective.origin_of("server.http_port").to_string() == "a.yaml:3:14");
    CHECK(effective.get_int("server.hello_timeout") == 5);
    CHECK(effective.get_int("server.port") == 8000);
    CHECK(effective.entry("server.port")->overridden.empty());
    CHECK(effective.origin_of("server.port").layer == "default");
}

TEST_CASE("Maps merge key by key, lists replace") {
    const std::vector<Layer> layers = {
        yaml_layer(LayerKind::file, "a.yaml",
                   "server:\n  auth:\n    enabled: true\n    allowed_devices: [a, b]\n"),
        yaml_layer(LayerKind::file, "b.yaml", "server:\n  auth:\n    allowed_devices: [c]\n"),
    };
    const Effective effective = Effective::merge(layers);
    CHECK(effective.get_bool("server.auth.enabled") == true);
    const Node* devices = effective.get("server.auth.allowed_devices");
    REQUIRE(devices != nullptr);
    REQUIRE(devices->items.size() == 1);
    CHECK(devices->items[0].text == "c");
    const Entry* entry = effective.entry("server.auth.allowed_devices");
    REQUIRE(entry != nullptr);
    REQUIRE(entry->overridden.size() == 1);
    CHECK(entry->overridden[0].value.items.size() == 2);
}

TEST_CASE("A scalar replacing a map records every replaced leaf") {
    const std::vector<Layer> layers = {
        yaml_layer(LayerKind::file, "a.yaml", "server:\n  auth:\n    enabled: true\n    k: 1\n"),
        yaml_layer(LayerKind::file, "b.yaml", "server:\n  auth: off\n"),
    };
    const Effective effective = Effective::merge(layers);
    CHECK(effective.entry("server.auth.enabled") == nullptr);
    const Entry* entry = effective.entry("server.auth");
    REQUIRE(entry != nullptr);
    CHECK(entry->value.kind == Kind::boolean);
    REQUIRE(entry->overridden.size() == 2);
    CHECK(entry->overridden[0].value.boolean);
    CHECK(entry->overridden[0].note.find("server.auth.enabled") != std::string::npos);
    CHECK(entry->overridden[1].note.find("server.auth.k") != std::string::npos);
}

TEST_CASE("A map replacing a scalar records the scalar on its first leaf") {
    const std::vector<Layer> layers = {
        yaml_layer(LayerKind::file, "a.yaml", "server:\n  auth: off\n"),
        yaml_layer(LayerKind::file, "b.yaml", "server:\n  auth:\n    enabled: true\n"),
    };
    const Effective effective = Effective::merge(layers);
    CHECK(effective.entry("server.auth") == nullptr);
    const Entry* entry = effective.entry("server.auth.enabled");
    REQUIRE(entry != nullptr);
    REQUIRE(entry->overridden.size() == 1);
    CHECK(entry->overridden[0].value.kind == Kind::boolean);
    CHECK(entry->overridden[0].origin.to_string() == "a.yaml:2:9");
    CHECK(entry->overridden[0].note == "server.auth was replaced by a map");
}

TEST_CASE("Empty maps are leaves, and an empty map over a map changes nothing") {
    const std::vector<Layer> layers = {
        yaml_layer(LayerKind::file, "a.yaml", "plugins: {}\nserver:\n  port: 1\n"),
        yaml_layer(LayerKind::file, "b.yaml", "server: {}\n"),
    };
    const Effective effective = Effective::merge(layers);
    const Entry* plugins = effective.entry("plugins");
    REQUIRE(plugins != nullptr);
    CHECK(plugins->value.is_map());
    CHECK(effective.get_int("server.port") == 1);
    CHECK(effective.entry("server") == nullptr);
}

TEST_CASE("Entries are in tree order and found by dotted key") {
    const std::vector<Layer> layers = {
        yaml_layer(LayerKind::file, "a.yaml", "b: 1\na:\n  y: 2\n  x: 3\n"),
        yaml_layer(LayerKind::file, "b.yaml", "c: 4\na:\n  z: 5\n"),
    };
    const Effective effective = Effective::merge(layers);
    std::vector<std::string> keys;
    for (const auto& entry : effective.entries()) keys.push_back(entry.key);
    CHECK(keys == std::vector<std::string>{"b", "a.y", "a.x", "a.z", "c"});
    CHECK(effective.origin_of("a").to_string() == "a.yaml:3:6");
    CHECK(effective.origin_of("missing").to_string() == "built-in default");
    CHECK(effective.get("a.q") == nullptr);
    CHECK_FALSE(effective.get_string("b").has_value());
    CHECK_FALSE(effective.get_bool("b").has_value());
    CHECK(effective.get_int("b") == 1);
}

TEST_CASE("Dropped values attach to the effective entry with their reason") {
    Layer remote = yaml_layer(LayerKind::remote, "r.yaml", "server:\n  websocket: ws://r/\n");
    remote.dropped.push_back(DroppedValue{
        Path{"server", "port"}, Node::integer_at(9000, Position{"r.yaml", 2, 9}), "stays local"});
    remote.dropped.push_back(
        DroppedValue{Path{"nowhere"}, Node::integer_at(1, Position{}), "unused"});
    const std::vector<Layer> layers = {
        yaml_layer(LayerKind::file, "a.yaml", "server:\n  port: 8000\n"),
        remote,
        command_line_layer({"server.port=8100"}),
    };
    const Effective effective = Effective::merge(layers);
    const Entry* entry = effective.entry("server.port");
    REQUIRE(entry != nullptr);
    CHECK(entry->value.integer == 8100);
    REQUIRE(entry->overridden.size() == 2);
    CHECK(entry->overridden[0].origin.layer == "file");
    CHECK(entry->overridden[1].origin.layer == "remote");
    CHECK(entry->overridden[1].note == "stays local");
    CHECK(entry->overridden[1].value.integer == 9000);
    CHECK(effective.entry("nowhere") == nullptr);
}
