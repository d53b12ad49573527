// Columns count characters, not bytes, in every parser and in input errors; UTF-16 columns beside.
#include <catch2/catch.hpp>

#include "config/parse.hpp"
#include "config/text_positions.hpp"

using namespace xiaozhi::config;

namespace {

// U+1F600, four bytes in UTF-8 and two UTF-16 code units.
const std::string emoji = "\xF0\x9F\x98\x80";

const Node& at(const Node& tree, std::string_view dotted) {
    const Node* node = tree.find(split_path(dotted));
    REQUIRE(node != nullptr);
    return *node;
}

Position error_position(std::string_view content, Syntax syntax) {
    try {
        parse_text(content, syntax, "e");
    } catch (const InputError& error) {
        return error.position();
    }
    FAIL("no InputError for: " << content);
    return {};
}

}  // namespace

TEST_CASE("TextPositions: characters and UTF-16 units from the start of the line") {
    const std::string text = "ab\n你的" + emoji + "x\n";
    const TextPositions positions(text, "t");
    const Position x = positions.at_offset(text.find('x'));
    CHECK(x.file == "t");
    CHECK(x.line == 2);
    CHECK(x.column == 4);
    CHECK(x.utf16_column == 5);
    CHECK(positions.at_offset(1).column == 2);
    CHECK(positions.at_offset(text.find(emoji) + 2).column == 3);  // inside the emoji: the emoji
    const Position end = positions.at_offset(text.size() + 10);
    CHECK(end.line == 3);
    CHECK(end.column == 1);
    const Position by_column = positions.at_column(2, 4);
    CHECK(by_column.column == 4);
    CHECK(by_column.utf16_column == 5);
}

TEST_CASE("TextPositions: long lines and many lines, past the checkpoints") {
    std::string text;
    for (int i = 0; i < 300; ++i) text += emoji;
    text += "x\n";
    for (int i = 0; i < 500; ++i) text += "你好\n";
    text += "y";
    const TextPositions positions(text, "t");
    const Position x = positions.at_offset(text.find('x'));
    CHECK(x.line == 1);
    CHECK(x.column == 301);
    CHECK(x.utf16_column == 601);
    const Position y = positions.at_offset(text.find('y'));
    CHECK(y.line == 502);
    CHECK(y.column == 1);
    CHECK(positions.at_column(400, 2).utf16_column == 2);
    CHECK(positions.at_column(1, 301).utf16_column == 601);
}

TEST_CASE("TextPositions: lookups in any order give the answers of a fresh lookup") {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += (i % 7 == 0 ? "\n" : i % 3 == 0 ? emoji : "你a");
    const TextPositions reused(text, "t");
    for (const std::size_t offset :
         {std::size_t{5000}, std::size_t{10}, std::size_t{7000}, std::size_t{7001},
          std::size_t{300}, std::size_t{2999}, std::size_t{3000}, text.size(), std::size_t{0}}) {
        const Position fresh = TextPositions(text, "t").at_offset(offset);
        const Position again = reused.at_offset(offset);
        INFO("offset " << offset);
        CHECK(again.line == fresh.line);
        CHECK(again.column == fresh.column);
        CHECK(again.utf16_column == fresh.utf16_column);
    }
}

TEST_CASE("TextPositions: a byte order mark is no column") {
    const std::string text =
        "\xEF\xBB\xBF"
        "ab";
    const TextPositions positions(text, "t");
    CHECK(positions.at_offset(0).column == 1);
    CHECK(positions.at_offset(3).column == 1);
    CHECK(positions.at_offset(4).column == 2);
}

TEST_CASE("YAML columns count characters after CJK text and an emoji") {
    const Node tree =
        parse_text("server: {name: \"你的" + emoji + "\", port: 8000}\n", Syntax::yaml, "c.yaml");
    const Node& port = at(tree, "server.port");
    CHECK(port.pos.line == 1);
    CHECK(port.pos.column == 29);
    CHECK(port.pos.utf16_column == 30);
    const Node bom = parse_text(
        "\xEF\xBB\xBF"
        "a: 你的\nb: 1\n",
        Syntax::yaml, "c.yaml");
    CHECK(at(bom, "a").pos.column == 4);
    CHECK(at(bom, "b").pos.line == 2);
    CHECK(at(bom, "b").pos.column == 4);
}

TEST_CASE("YAML syntax errors after multibyte text point at the character") {
    const Position pos = error_position("a: \"你的" + emoji + "\": 1\n", Syntax::yaml);
    CHECK(pos.line == 1);
    CHECK(pos.column == 9);
    CHECK(pos.utf16_column == 10);
    CHECK_THROWS_WITH(
        parse_text("server:\n  websocket: \"ws://你的ip:8000\": 1\n", Syntax::yaml, "c.yaml"),
        Catch::StartsWith("c.yaml:2:30: "));
}

TEST_CASE("TOML columns count characters, with the UTF-16 column beside them") {
    const Node tree =
        parse_text("[server]\nname = { label = \"你的" + emoji + "\", port = 8000 }\n",
                   Syntax::toml, "c.toml");
    const Node& port = at(tree, "server.name.port");
    CHECK(port.pos.line == 2);
    CHECK(port.pos.column == 32);
    CHECK(port.pos.utf16_column == 33);
    const Position pos =
        error_position("[server]\nwebsocket = \"ws://你的ip" + emoji + ":8000\" x\n", Syntax::toml);
    CHECK(pos.line == 2);
    CHECK(pos.column == 31);
    CHECK(pos.utf16_column == 32);
}

TEST_CASE("JSON columns count characters, in values and in syntax errors") {
    const Node tree =
        parse_text("{\"name\": \"你的" + emoji + "\", \"port\": 8000}", Syntax::json, "c.json");
    CHECK(at(tree, "port").pos.column == 25);
    CHECK(at(tree, "port").pos.utf16_column == 26);
    const Position pos = error_position("{\"name\": \"你的" + emoji + "\" x}", Syntax::json);
    CHECK(pos.line == 1);
    CHECK(pos.column == 16);
    CHECK(pos.utf16_column == 17);
    CHECK_THROWS_WITH(parse_text("{\"name\": \"你的" + emoji + "\" x}", Syntax::json, "s.json"),
                      Catch::StartsWith("s.json:1:16: syntax error"));
}

TEST_CASE("Binary-content errors count characters before the bad byte") {
    CHECK_THROWS_WITH(parse_text("a: 你" + emoji + "\xff\n", Syntax::yaml, "b.yaml"),
                      "b.yaml:1:6: binary content (invalid UTF-8)");
    CHECK_THROWS_WITH(parse_text("a: 你" + emoji + "\x80\n", Syntax::yaml, "b.yaml"),
                      "b.yaml:1:6: binary content (invalid UTF-8)");
}
