// TOML parsing: positions, source order, types and syntax errors.
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

TEST_CASE("TOML leaves carry line and column") {
    const Node tree = parse_text(
        "# c\n"
        "[server]\n"
        "port = 8000\n"
        "websocket = \"ws://h:8000/x/\"\n"
        "ratio = 0.5\n"
        "\n"
        "[server.auth]\n"
        "enabled = true\n"
        "allowed_devices = [\"a\", \"b\"]\n",
        Syntax::toml, "c.toml");
    const Node& port = at(tree, "server.port");
    CHECK(port.kind == Kind::integer);
    CHECK(port.integer == 8000);
    CHECK(port.pos.file == "c.toml");
    CHECK(port.pos.line == 3);
    CHECK(port.pos.column == 8);
    CHECK(at(tree, "server.websocket").kind == Kind::string);
    CHECK(at(tree, "server.websocket").pos.line == 4);
    CHECK(at(tree, "server.ratio").kind == Kind::floating);
    CHECK(at(tree, "server.auth.enabled").kind == Kind::boolean);
    CHECK(at(tree, "server.auth.enabled").pos.line == 8);
    CHECK(at(tree, "server.auth.enabled").pos.column == 11);
    const Node& devices = at(tree, "server.auth.allowed_devices");
    REQUIRE(devices.items.size() == 2);
    CHECK(devices.items[1].pos.line == 9);
    CHECK(devices.items[1].pos.column == 25);
}

TEST_CASE("TOML keys keep source order, not alphabetical order") {
    const Node tree = parse_text("zeta = 1\nalpha = 2\n[mid]\nx = 1\n", Syntax::toml, "o.toml");
    REQUIRE(tree.entries.size() == 3);
    CHECK(tree.entries[0].first == "zeta");
    CHECK(tree.entries[1].first == "alpha");
    CHECK(tree.entries[2].first == "mid");
}

TEST_CASE("TOML dates become strings") {
    const Node tree = parse_text("when = 1979-05-27\n", Syntax::toml, "d.toml");
    CHECK(at(tree, "when").kind == Kind::string);
    CHECK(at(tree, "when").text == "1979-05-27");
}

TEST_CASE("TOML errors carry the parser's position") {
    CHECK_THROWS_WITH(parse_text("a = 1\na = 2\n", Syntax::toml, "e.toml"),
                      Catch::StartsWith("e.toml:2:5: ") && Catch::Contains("'a'"));
    CHECK_THROWS_WITH(parse_text("[server]\nport = \"8000\n", Syntax::toml, "e.toml"),
                      Catch::StartsWith("e.toml:2:"));
    CHECK_NOTHROW(parse_text("a = 1\nb = 2\n", Syntax::toml, "e.toml"));
}

TEST_CASE("The native-toml fixture parses") {
    const Node tree = parse_file(XIAOZHI_FIXTURES "/native-toml/xiaozhi.toml");
    CHECK(at(tree, "server.http_port").integer == 8000);
    CHECK(at(tree, "server.http_port").pos.line == 5);
    CHECK(at(tree, "xiaozhi.audio_params.sample_rate").integer == 24000);
}
