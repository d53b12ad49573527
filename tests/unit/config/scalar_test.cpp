// YAML scalar resolution (PyYAML-compatible for config values), parse_scalar and Node::render.
#include <catch2/catch.hpp>

#include <cmath>

#include "config/parse.hpp"

using namespace xiaozhi::config;

namespace {

Node value_of(const std::string& text) {
    const Node tree = parse_text("v: " + text + "\n", Syntax::yaml, "s.yaml");
    const Node* node = tree.find("v");
    REQUIRE(node != nullptr);
    return *node;
}

}  // namespace

TEST_CASE("YAML plain scalars resolve like PyYAML") {
    struct Case {
        const char* text;
        Kind kind;
    };
    const Case cases[] = {
        {"null", Kind::null},
        {"~", Kind::null},
        {"Null", Kind::null},
        {"true", Kind::boolean},
        {"False", Kind::boolean},
        {"yes", Kind::boolean},
        {"NO", Kind::boolean},
        {"on", Kind::boolean},
        {"Off", Kind::boolean},
        {"8000", Kind::integer},
        {"+8", Kind::integer},
        {"-3", Kind::integer},
        {"0x1F", Kind::integer},
        {"0o17", Kind::integer},
        {"1_000", Kind::integer},
        {"0", Kind::integer},
        {"1.5", Kind::floating},
        {"1e3", Kind::floating},
        {".5", Kind::floating},
        {".inf", Kind::floating},
        {"-.inf", Kind::floating},
        {".nan", Kind::floating},
        {"1.", Kind::floating},
        {"8000a", Kind::string},
        {"11:22:33:44:55:66", Kind::string},
        {"0.0.0.0", Kind::string},
        {"yess", Kind::string},
        {"1e", Kind::string},
        {"e3", Kind::string},
        {".", Kind::string},
        {"0x", Kind::string},
        {"08", Kind::string},
        {"nulls", Kind::string},
        {"99999999999999999999", Kind::string},
        {"ws://h:1/x", Kind::string},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        CHECK(value_of(c.text).kind == c.kind);
    }
}

TEST_CASE("YAML scalar values") {
    CHECK(value_of("+8").integer == 8);
    CHECK(value_of("+8").text == "+8");
    CHECK(value_of("0x1F").integer == 31);
    CHECK(value_of("0o17").integer == 15);
    CHECK(value_of("017").integer == 15);
    CHECK(value_of("0b101").integer == 5);
    CHECK(value_of("1_000").integer == 1000);
    CHECK(value_of("-9223372036854775808").integer == INT64_MIN);
    CHECK(value_of("9223372036854775808").kind == Kind::string);
    CHECK(value_of("1e3").floating == 1000.0);
    CHECK(value_of(".5").floating == 0.5);
    CHECK(std::isinf(value_of("-.inf").floating));
    CHECK(std::isnan(value_of(".NaN").floating));
    CHECK(value_of("yes").boolean);
    CHECK_FALSE(value_of("off").boolean);
    CHECK(value_of("").kind == Kind::null);
}

TEST_CASE("Quoted and block scalars are always strings") {
    CHECK(value_of("\"8000\"").kind == Kind::string);
    CHECK(value_of("'true'").kind == Kind::string);
    CHECK(value_of("\"\"").kind == Kind::string);
    CHECK(value_of("!!str 5").kind == Kind::string);
    const Node tree = parse_text("v: |\n  8000\n", Syntax::yaml, "b.yaml");
    CHECK(tree.find("v")->kind == Kind::string);
    CHECK(tree.find("v")->text == "8000\n");
}

TEST_CASE("parse_scalar reads --set and environment values as YAML") {
    const Position pos{"--set x=1", 0, 0};
    CHECK(parse_scalar("8100", pos).kind == Kind::integer);
    CHECK(parse_scalar("8100", pos).integer == 8100);
    CHECK(parse_scalar("true", pos).kind == Kind::boolean);
    CHECK(parse_scalar("ws://h:8000/x/", pos).kind == Kind::string);
    CHECK(parse_scalar("\"8100\"", pos).kind == Kind::string);
    CHECK(parse_scalar("\"8100\"", pos).text == "8100");
    const Node list = parse_scalar("[a, 2]", pos);
    REQUIRE(list.kind == Kind::list);
    REQUIRE(list.items.size() == 2);
    CHECK(list.items[1].integer == 2);
    CHECK(list.items[1].pos.file == "--set x=1");
    CHECK(parse_scalar("{a: 1}", pos).is_map());
    CHECK(parse_scalar("[a, b", pos).kind == Kind::string);
    CHECK(parse_scalar("[a, b", pos).text == "[a, b");
    CHECK(parse_scalar("", pos).kind == Kind::null);
}

TEST_CASE("Node::render writes YAML flow style") {
    const Position pos;
    CHECK(Node::integer_at(8000, pos).render() == "8000");
    CHECK(value_of("+8").render() == "8");
    CHECK(Node::string_at("8000", pos).render() == "\"8000\"");
    CHECK(Node::string_at("ws://h:8000/xiaozhi/v1/", pos).render() == "ws://h:8000/xiaozhi/v1/");
    CHECK(Node::string_at("true", pos).render() == "\"true\"");
    CHECK(Node::string_at("", pos).render() == "\"\"");
    CHECK(Node::string_at("a: b", pos).render() == "\"a: b\"");
    CHECK(Node::string_at("line\nbreak", pos).render() == "\"line\\nbreak\"");
    CHECK(Node::string_at("say \"hi\"", pos).render() == "say \"hi\"");
    CHECK(Node::string_at("- x", pos).render() == "\"- x\"");
    CHECK(Node::null_at(pos).render() == "null");
    CHECK(Node::boolean_at(false, pos).render() == "false");
    CHECK(value_of("1.5").render() == "1.5");
    CHECK(value_of("1e3").render() == "1000.0");
    CHECK(value_of(".inf").render() == ".inf");
    CHECK(value_of("[a, 1, \"2\"]").render() == "[a, 1, \"2\"]");
    CHECK(value_of("{x: 1, y: [a]}").render() == "{x: 1, y: [a]}");
}

TEST_CASE("same_value compares types and, optionally, ignores list order") {
    const Position pos;
    CHECK_FALSE(same_value(Node::integer_at(8000, pos), Node::string_at("8000", pos)));
    CHECK(same_value(Node::integer_at(8000, pos), Node::integer_at(8000, Position{"x", 1, 1})));
    CHECK_FALSE(same_value(value_of("[a, b]"), value_of("[b, a]")));
    CHECK(same_value(value_of("[a, b]"), value_of("[b, a]"), true));
    CHECK_FALSE(same_value(value_of("[a, a, b]"), value_of("[a, b, b]"), true));
    CHECK(same_value(value_of("{x: 1, y: 2}"), value_of("{y: 2, x: 1}")));
    CHECK_FALSE(same_value(value_of("{x: 1}"), value_of("{x: 1, y: 2}")));
}

TEST_CASE("Paths split and join on dots") {
    CHECK(split_path("server.auth.enabled") == Path{"server", "auth", "enabled"});
    CHECK(split_path("").empty());
    CHECK(join_path(Path{"manager-api", "url"}) == "manager-api.url");
    CHECK(Position{"f", 2, 3}.to_string() == "f:2:3");
    CHECK(Position{"f", 0, 0}.to_string() == "f");
}
