// JSON parsing: exact types, positions of keys and values, duplicates and syntax errors.
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

TEST_CASE("JSON values keep their exact types") {
    const Node tree = parse_text(
        R"({"a": "8000", "b": 8000, "c": -3, "d": 1.5, "e": true, "f": null, "g": [1, "x"],)"
        R"( "h": {}, "i": 18446744073709551615})",
        Syntax::json, "c.json");
    CHECK(at(tree, "a").kind == Kind::string);
    CHECK(at(tree, "a").text == "8000");
    CHECK(at(tree, "b").kind == Kind::integer);
    CHECK(at(tree, "b").integer == 8000);
    CHECK(at(tree, "c").integer == -3);
    CHECK(at(tree, "d").kind == Kind::floating);
    CHECK(at(tree, "d").floating == 1.5);
    CHECK(at(tree, "e").kind == Kind::boolean);
    CHECK(at(tree, "f").kind == Kind::null);
    CHECK(at(tree, "g").items.size() == 2);
    CHECK(at(tree, "h").is_map());
    CHECK(at(tree, "i").kind == Kind::string);
}

TEST_CASE("JSON leaves carry 1-based line and column") {
    const Node tree = parse_text(
        "{\n"
        "  \"server\": {\n"
        "    \"port\": 8000,\n"
        "    \"websocket\": \"ws://h:8000/x/\",\n"
        "    \"list\": [\n"
        "      \"a\",   \"b\\\"q\"\n"
        "    ]\n"
        "  },\n"
        "  \"after\": false\n"
        "}\n",
        Syntax::json, "c.json");
    const Node& port = at(tree, "server.port");
    CHECK(port.pos.line == 3);
    CHECK(port.pos.column == 13);
    CHECK(at(tree, "server.websocket").pos.line == 4);
    CHECK(at(tree, "server.websocket").pos.column == 18);
    const Node& list = at(tree, "server.list");
    CHECK(list.pos.line == 5);
    CHECK(list.pos.column == 13);
    REQUIRE(list.items.size() == 2);
    CHECK(list.items[1].text == "b\"q");
    CHECK(list.items[1].pos.line == 6);
    CHECK(list.items[1].pos.column == 14);
    CHECK(at(tree, "after").pos.line == 9);
    CHECK(at(tree, "after").pos.column == 12);
    CHECK(at(tree, "server").pos.line == 2);
    CHECK(at(tree, "server").pos.column == 13);
}

TEST_CASE("JSON duplicate keys are an error at the second key") {
    CHECK_THROWS_WITH(parse_text("{\"a\": 1,\n \"a\": 2}", Syntax::json, "d.json"),
                      "d.json:2:2: duplicate key 'a'");
    CHECK_NOTHROW(parse_text(R"({"a": {"x": 1}, "b": {"x": 2}})", Syntax::json, "d.json"));
}

TEST_CASE("JSON syntax errors and truncated input carry the position") {
    CHECK_THROWS_WITH(
        parse_text("{\"a\": 1,\n \"b\": tru }", Syntax::json, "s.json"),
        Catch::StartsWith("s.json:2:10: syntax error while parsing value - invalid literal"));
    CHECK_THROWS_WITH(parse_text("{\"a\": [1, 2", Syntax::json, "s.json"),
                      Catch::StartsWith("s.json:1:12: syntax error"));
    CHECK_THROWS_WITH(parse_text("{\"a\": 1} x", Syntax::json, "s.json"),
                      Catch::StartsWith("s.json:1:10: "));
}

TEST_CASE("JSON error messages are one line") {
    try {
        parse_text("{\"a\": \"x\ny\"}", Syntax::json, "n.json");
        FAIL("no error");
    } catch (const InputError& error) {
        CHECK(std::string(error.what()).find('\n') == std::string::npos);
        CHECK(std::string(error.what()).rfind("n.json:1:", 0) == 0);
    }
}

TEST_CASE("JSON top level must be an object") {
    CHECK_THROWS_WITH(parse_text("[1, 2]", Syntax::json, "l.json"),
                      "l.json:1:1: expected a map at the top level, found a list");
    CHECK_THROWS_WITH(parse_text("\n  8000", Syntax::json, "l.json"),
                      "l.json:2:3: expected a map at the top level, found an integer");
}

TEST_CASE("JSON nesting is bounded") {
    const std::string deep = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
    CHECK_THROWS_WITH(parse_text(deep, Syntax::json, "deep.json"),
                      Catch::Contains("nested deeper than 64 levels"));
}
