// YAML parsing: node positions, anchors and merge keys, duplicate keys, top-level shape.
#include <catch2/catch.hpp>

#include "config/parse.hpp"

using namespace xiaozhi::config;

namespace {

const Node& at(const Node& tree, std::string_view dotted) {
    const Node* node = tree.find(split_path(dotted));
    REQUIRE(node != nullptr);
    return *node;
}

}  // namespace

TEST_CASE("YAML leaves carry 1-based line and column") {
    const Node tree = parse_text(
        "# comment\n"
        "server:\n"
        "  port: 8000\n"
        "  websocket: \"ws://h:8000/xiaozhi/v1/\"\n"
        "  auth:\n"
        "    allowed_devices:\n"
        "      - aa\n"
        "      - bb\n",
        Syntax::yaml, "c.yaml");
    const Node& port = at(tree, "server.port");
    CHECK(port.kind == Kind::integer);
    CHECK(port.integer == 8000);
    CHECK(port.pos.file == "c.yaml");
    CHECK(port.pos.line == 3);
    CHECK(port.pos.column == 9);
    const Node& websocket = at(tree, "server.websocket");
    CHECK(websocket.kind == Kind::string);
    CHECK(websocket.pos.line == 4);
    CHECK(websocket.pos.column == 14);
    const Node& devices = at(tree, "server.auth.allowed_devices");
    REQUIRE(devices.items.size() == 2);
    CHECK(devices.items[1].text == "bb");
    CHECK(devices.items[1].pos.line == 8);
    CHECK(devices.items[1].pos.column == 9);
    CHECK(at(tree, "server").pos.line == 3);
}

TEST_CASE("YAML keys keep source order") {
    const Node tree = parse_text("b: 1\na: 2\nc: 3\n", Syntax::yaml, "c.yaml");
    REQUIRE(tree.entries.size() == 3);
    CHECK(tree.entries[0].first == "b");
    CHECK(tree.entries[1].first == "a");
    CHECK(tree.entries[2].first == "c");
}

TEST_CASE("YAML empty value is null placed at its key") {
    const Node tree = parse_text("server:\n  websocket:\n  port: 1\n", Syntax::yaml, "c.yaml");
    const Node& websocket = at(tree, "server.websocket");
    CHECK(websocket.kind == Kind::null);
    CHECK(websocket.pos.line == 2);
    CHECK(websocket.pos.column == 3);
}

TEST_CASE("YAML anchors, aliases and merge keys") {
    const Node tree = parse_text(
        "base: &base\n"
        "  port: 8000\n"
        "  ip: 0.0.0.0\n"
        "server:\n"
        "  <<: *base\n"
        "  port: 8100\n"
        "copy: *base\n",
        Syntax::yaml, "c.yaml");
    CHECK(at(tree, "server.port").integer == 8100);
    CHECK(at(tree, "server.ip").text == "0.0.0.0");
    CHECK(at(tree, "server").find("<<") == nullptr);
    CHECK(at(tree, "copy.port").integer == 8000);
}

TEST_CASE("YAML merge key with a list of maps: explicit keys win, earlier maps first") {
    const Node tree = parse_text(
        "a: &a {x: 1, y: 1}\n"
        "b: &b {y: 2, z: 2}\n"
        "m:\n"
        "  <<: [*a, *b]\n"
        "  z: 3\n",
        Syntax::yaml, "c.yaml");
    CHECK(at(tree, "m.x").integer == 1);
    CHECK(at(tree, "m.y").integer == 1);
    CHECK(at(tree, "m.z").integer == 3);
}

TEST_CASE(
    "YAML duplicate keys: parse_text names the key by its path, parse_document keeps the last") {
    try {
        parse_text("server:\n  port: 1\n  port: 2\n", Syntax::yaml, "d.yaml");
        FAIL("no error");
    } catch (const InputError& error) {
        CHECK(std::string(error.what()) == "d.yaml:3:3: duplicate key 'server.port'");
        CHECK(error.position().line == 3);
    }
    CHECK(parse_document("server:\n  port: 1\n  port: 2\n", Syntax::yaml, "d.yaml")
              .tree.find(Path{"server", "port"})
              ->integer == 2);
    CHECK_NOTHROW(parse_text("server:\n  port: 1\nother:\n  port: 2\n", Syntax::yaml, "d.yaml"));
}

TEST_CASE("YAML empty and comment-only documents are empty maps") {
    CHECK(parse_text("", Syntax::yaml, "e.yaml").is_map());
    CHECK(parse_text("", Syntax::yaml, "e.yaml").entries.empty());
    const Node comments = parse_text("# nothing here\n\n# at all\n", Syntax::yaml, "e.yaml");
    CHECK(comments.is_map());
    CHECK(comments.entries.empty());
}

TEST_CASE("YAML top level must be a map") {
    CHECK_THROWS_WITH(parse_text("- a\n- b\n", Syntax::yaml, "l.yaml"),
                      "l.yaml:1:1: expected a map at the top level, found a list");
    CHECK_THROWS_WITH(parse_text("just text\n", Syntax::yaml, "s.yaml"),
                      "s.yaml:1:1: expected a map at the top level, found a string");
}

TEST_CASE("YAML syntax errors carry the parser's position") {
    CHECK_THROWS_WITH(parse_text("a: [1, 2\n", Syntax::yaml, "t.yaml"),
                      "t.yaml:2:1: end of sequence flow not found");
    CHECK_THROWS_WITH(parse_text("a: 1\n\tb: 2\n", Syntax::yaml, "t.yaml"),
                      Catch::StartsWith("t.yaml:2:1: "));
}

TEST_CASE("YAML recursive alias is an error, not a crash") {
    CHECK_THROWS_WITH(parse_text("a: &x [*x]\n", Syntax::yaml, "r.yaml"),
                      Catch::Contains("nested deeper than 64 levels"));
}

TEST_CASE("YAML with more than one document is an error") {
    CHECK_THROWS_WITH(parse_text("a: 1\n---\nb: 2\n", Syntax::yaml, "m.yaml"),
                      Catch::StartsWith("m.yaml:3:1: expected a single YAML document"));
    CHECK_NOTHROW(parse_text("---\na: 1\n", Syntax::yaml, "m.yaml"));
}

TEST_CASE("Deeply nested YAML is an error, not a stack overflow") {
    const std::string deep = "a: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
    CHECK_THROWS_AS(parse_text(deep, Syntax::yaml, "deep.yaml"), InputError);
    const std::string shallow = "a: " + std::string(50, '[') + std::string(50, ']') + "\n";
    CHECK_NOTHROW(parse_text(shallow, Syntax::yaml, "deep.yaml"));
}
