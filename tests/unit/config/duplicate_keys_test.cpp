// Repeated YAML keys: PyYAML's last value wins, each repetition recorded; strict readers refuse.
#include <catch2/catch.hpp>

#include "config/effective.hpp"
#include "config/layer.hpp"
#include "config/parse.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi::config;
using xiaozhi::test::TempDir;

namespace {

Document yaml_document(const std::string& text) {
    return parse_document(text, Syntax::yaml, "d.yaml");
}

}  // namespace

TEST_CASE("A repeated YAML key keeps its first place and takes the later value") {
    const Document document = yaml_document(
        "server:\n"
        "  port: 8000\n"
        "  ip: 0.0.0.0\n"
        "  port: 8100\n");
    const Node& server = document.tree.entries.at(0).second;
    REQUIRE(server.entries.size() == 2);
    CHECK(server.entries[0].first == "port");
    CHECK(server.entries[1].first == "ip");
    const Node& port = server.entries[0].second;
    CHECK(port.integer == 8100);
    CHECK(port.pos.line == 4);
    CHECK(port.pos.column == 9);

    REQUIRE(document.duplicate_keys.size() == 1);
    const DuplicateKey& duplicate = document.duplicate_keys.front();
    CHECK(duplicate.key == "server.port");
    CHECK(duplicate.first.file == "d.yaml");
    CHECK(duplicate.first.line == 2);
    CHECK(duplicate.first.column == 3);
    CHECK(duplicate.later.line == 4);
    CHECK(duplicate.later.column == 3);
    CHECK(duplicate.value.integer == 8100);
}

TEST_CASE("A key written three times: two repetitions, both against the first, last value kept") {
    const Document document = yaml_document("a: 1\nb: 2\na: 3\na: 4\n");
    CHECK(document.tree.find("a")->integer == 4);
    REQUIRE(document.duplicate_keys.size() == 2);
    for (const DuplicateKey& duplicate : document.duplicate_keys) {
        CHECK(duplicate.key == "a");
        CHECK(duplicate.first.line == 1);
        CHECK(duplicate.value.integer == 4);
    }
    CHECK(document.duplicate_keys[0].later.line == 3);
    CHECK(document.duplicate_keys[1].later.line == 4);
}

TEST_CASE("A repeated map replaces the earlier map whole, as PyYAML does") {
    const Document document = yaml_document("server:\n  port: 8000\nserver:\n  ip: 1.2.3.4\n");
    const Node* server = document.tree.find("server");
    REQUIRE(server != nullptr);
    CHECK(server->find("port") == nullptr);
    CHECK(server->find("ip")->text == "1.2.3.4");
    REQUIRE(document.duplicate_keys.size() == 1);
    CHECK(document.duplicate_keys[0].key == "server");
    CHECK(document.duplicate_keys[0].value.is_map());
}

TEST_CASE("Repeated keys in flow maps and list items are named by their path") {
    const Document document = yaml_document("items:\n  - {x: 1, x: 2}\n");
    REQUIRE(document.duplicate_keys.size() == 1);
    const DuplicateKey& duplicate = document.duplicate_keys[0];
    CHECK(duplicate.key == "items.0.x");
    CHECK(duplicate.first.line == 2);
    CHECK(duplicate.first.column == 6);
    CHECK(duplicate.later.line == 2);
    CHECK(duplicate.later.column == 12);
    CHECK(document.tree.find("items")->items[0].find("x")->integer == 2);
}

TEST_CASE("A repetition inside an anchored map is recorded once, however often it is aliased") {
    const Document document = yaml_document(
        "base: &base\n"
        "  port: 1\n"
        "  port: 2\n"
        "copy: *base\n"
        "server:\n"
        "  <<: *base\n");
    REQUIRE(document.duplicate_keys.size() == 1);
    CHECK(document.duplicate_keys[0].key == "base.port");
    CHECK(document.tree.find(Path{"copy", "port"})->integer == 2);
    CHECK(document.tree.find(Path{"server", "port"})->integer == 2);
}

TEST_CASE("Merge keys are no repetition: explicit keys win over merged ones") {
    const Document document = yaml_document(
        "base: &base\n"
        "  port: 8000\n"
        "server:\n"
        "  <<: *base\n"
        "  port: 8100\n");
    CHECK(document.duplicate_keys.empty());
    CHECK(document.tree.find(Path{"server", "port"})->integer == 8100);
}

TEST_CASE("parse_text and parse_file refuse a repeated YAML key at its later occurrence") {
    CHECK_THROWS_WITH(parse_text("server:\n  port: 1\n  port: 2\n", Syntax::yaml, "d.yaml"),
                      "d.yaml:3:3: duplicate key 'server.port'");
    TempDir dir;
    const std::string path = dir.write("docker-compose.yml", "services: {}\nservices: {}\n");
    CHECK_THROWS_WITH(parse_file(path), path + ":2:1: duplicate key 'services'");
}

TEST_CASE("TOML and JSON repeated keys stay an error in parse_document") {
    CHECK_THROWS_AS(parse_document("[server]\nport = 1\nport = 2\n", Syntax::toml, "d.toml"),
                    InputError);
    CHECK_THROWS_WITH(parse_document("{\"a\": 1,\n \"a\": 2}", Syntax::json, "d.json"),
                      "d.json:2:2: duplicate key 'a'");
}

TEST_CASE(
    "file_layer reads a config as PyYAML does and the merge keeps every layer's repetitions") {
    TempDir dir;
    const std::string config = dir.write("config.yaml", "server:\n  port: 8000\n  port: 8100\n");
    const std::string local =
        dir.write("data/.config.yaml", "server:\n  ip: 1.2.3.4\n  ip: 5.6.7.8\n");
    const Layer first = file_layer(config);
    REQUIRE(first.duplicate_keys.size() == 1);
    CHECK(first.duplicate_keys[0].later.file == config);

    const Effective effective = Effective::merge({defaults_layer(), first, file_layer(local)});
    CHECK(effective.get_int("server.port") == 8100);
    CHECK(effective.get_string("server.ip") == "5.6.7.8");
    REQUIRE(effective.duplicate_keys().size() == 2);
    CHECK(effective.duplicate_keys()[0].key == "server.port");
    CHECK(effective.duplicate_keys()[1].key == "server.ip");
    CHECK(effective.duplicate_keys()[1].later.file == local);
}
