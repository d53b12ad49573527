// TOML within the parser limits: deep keys, headers and inline values refused before toml++ reads
// them.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "config/parse.hpp"
#include "limits_test_support.hpp"

using namespace xiaozhi::config;
using namespace xiaozhi::config::limits_test;

namespace {

// "a.a.a" with `segments` segments.
std::string dotted(int segments) {
    std::string key = "a";
    for (int i = 1; i < segments; ++i) key += ".a";
    return key;
}

// "[a.a.a]" and "[[a.a.a]]", built by appending (g++ 12 misreads "[" + std::string&&).
std::string table_header(int segments) {
    return std::string("[").append(dotted(segments)).append("]");
}

std::string array_header(int segments) {
    return std::string("[[").append(dotted(segments)).append("]]");
}

}  // namespace

TEST_CASE("A 10,000-level TOML dotted key is refused at the segment past the limit") {
    CHECK_THROWS_WITH(parse_text(dotted(10000) + " = 1\n", Syntax::toml, "deep.toml"),
                      "deep.toml:1:127: " + too_deep);
}

TEST_CASE("A TOML dotted key 64 levels deep is accepted, 65 refused") {
    const Node tree = parse_text(dotted(64) + " = 1\n", Syntax::toml, "limit.toml");
    CHECK(depth_of(tree) == 64);
    CHECK(tree.find(split_path(dotted(64)))->integer == 1);
    CHECK_THROWS_WITH(parse_text("x = 0\n" + dotted(65) + " = 1\n", Syntax::toml, "limit.toml"),
                      "limit.toml:2:127: " + too_deep);
}

TEST_CASE("A 10,000-level TOML table header is refused") {
    CHECK_THROWS_WITH(parse_text(table_header(10000) + "\nx = 1\n", Syntax::toml, "h.toml"),
                      "h.toml:1:128: " + too_deep);
    CHECK_THROWS_WITH(parse_text(array_header(10000) + "\nx = 1\n", Syntax::toml, "h.toml"),
                      "h.toml:1:129: " + too_deep);
}

TEST_CASE("A TOML table header 64 levels deep is accepted, 65 refused") {
    const Node tree = parse_text(table_header(63) + "\nx = 1\n", Syntax::toml, "h.toml");
    CHECK(depth_of(tree) == 64);
    CHECK_THROWS_WITH(parse_text(table_header(64) + "\nx = 1\n", Syntax::toml, "h.toml"),
                      "h.toml:1:128: " + too_deep);
    CHECK(depth_of(parse_text(array_header(62) + "\nx = 1\n", Syntax::toml, "h.toml")) == 64);
    CHECK_THROWS_WITH(parse_text(array_header(63) + "\nx = 1\n", Syntax::toml, "h.toml"),
                      "h.toml:1:127: " + too_deep);
}

TEST_CASE("A TOML key under a deep table header counts the header's levels") {
    CHECK(depth_of(parse_text(table_header(32) + "\n" + dotted(32) + " = 1\n", Syntax::toml,
                              "k.toml")) == 64);
    CHECK_THROWS_WITH(
        parse_text(table_header(32) + "\n" + dotted(33) + " = 1\n", Syntax::toml, "k.toml"),
        "k.toml:2:63: " + too_deep);
}

TEST_CASE("Deep TOML inline tables and arrays are refused at the bracket past the limit") {
    const std::string tables = "a = " + repeated("{b = ", 10000) + "1" + repeated("}", 10000);
    CHECK_THROWS_WITH(parse_text(tables, Syntax::toml, "i.toml"), "i.toml:1:320: " + too_deep);
    const std::string arrays = "a = " + repeated("[", 10000) + repeated("]", 10000);
    CHECK_THROWS_WITH(parse_text(arrays, Syntax::toml, "i.toml"), "i.toml:1:68: " + too_deep);
    const std::string mixed = "a = [\n  # a comment\n  " + repeated("{b = [", 5000) + "\n";
    CHECK_THROWS_WITH(parse_text(mixed, Syntax::toml, "i.toml"), "i.toml:3:189: " + too_deep);
}

TEST_CASE("TOML inline arrays 64 levels deep are accepted, 65 refused") {
    const Node tree =
        parse_text("a = " + repeated("[", 63) + repeated("]", 63), Syntax::toml, "i.toml");
    CHECK(depth_of(tree) == 64);
    CHECK_THROWS_WITH(
        parse_text("a = " + repeated("[", 64) + repeated("]", 64), Syntax::toml, "i.toml"),
        "i.toml:1:68: " + too_deep);
}

TEST_CASE("Dots and brackets in TOML strings, quoted keys and comments are no depth") {
    const std::string dots = repeated("a.", 10000);
    const std::string brackets = repeated("[{", 5000);
    const std::string text =
        "url = \"http://" + dots + "example\"\n" + "literal = '" + brackets + "'\n" + "\"" + dots +
        "\" = 1\n" + "'b." + dots + "' = 2\n" + "multi = \"\"\"\n" + brackets + "\\\"\"\"\n" +
        dots + "\"\"\"\n" + "raw = '''\n" + brackets + "\n'''\n" + "# " + dots + brackets + "\n" +
        "list = [ \"]\", '[', # " + brackets + "\n" + "  { x = \"}\" }, 1979-05-27 07:32:00Z ]\n" +
        "[\"c." + dots + "\".b]\n" + "c = 3\n";
    const Node tree = parse_text(text, Syntax::toml, "s.toml");
    CHECK(tree.find("url")->text == "http://" + dots + "example");
    CHECK(tree.find("literal")->text == brackets);
    CHECK(tree.find(dots)->integer == 1);
    CHECK(tree.find("list")->items.size() == 4);
    CHECK(tree.find(Path{"c." + dots, "b", "c"})->integer == 3);
    CHECK(depth_of(tree) == 3);
}

TEST_CASE("TOML string escapes and closing quotes end strings where toml++ ends them") {
    const std::string brackets = repeated("[", 100);
    const std::string text = "escaped = \"\\\"" + brackets + "\\\\\"\n" + "windows = 'C:\\" +
                             brackets + "\\'\n" + "quotes = \"\"\"x" + brackets + "\"\"\"\"\"\n" +
                             "apostrophes = '''" + brackets + "'''''\n" +
                             "tables = [ { a . \"b.c\" . d = [ 1, 2, ] }, ]\r\n";
    const Node tree = parse_text(text, Syntax::toml, "q.toml");
    CHECK(tree.find("escaped")->text == "\"" + brackets + "\\");
    CHECK(tree.find("windows")->text == "C:\\" + brackets + "\\");
    CHECK(tree.find("quotes")->text == "x" + brackets + "\"\"");
    CHECK(tree.find("apostrophes")->text == brackets + "''");
    CHECK(tree.find("tables")->items.front().find(Path{"a", "b.c", "d"})->items.size() == 2);
    CHECK(depth_of(tree) == 6);
}

TEST_CASE("Nesting through arrays of tables is counted exactly while converting") {
    // [[a]] [[a.a]] [[a.a.a]]: each header adds an array and a table, two levels.
    std::string text;
    for (int segments = 1; segments <= 31; ++segments) text += array_header(segments) + "\n";
    CHECK(depth_of(parse_text(text, Syntax::toml, "aot.toml")) == 63);
    text += array_header(32) + "\n";
    CHECK_THROWS_WITH(parse_text(text, Syntax::toml, "aot.toml"), "aot.toml:32:1: " + too_deep);
}

TEST_CASE("A TOML document with too many values is refused at the first past the limit") {
    std::string text;
    char line[32];
    for (int i = 1; i <= 100000; ++i) {
        std::snprintf(line, sizeof line, "k%06d = 1\n", i);
        text += line;
    }
    CHECK_THROWS_WITH(parse_text(text, Syntax::toml, "many.toml"),
                      "many.toml:100000:11: more than 100000 values (the limit for "
                      "configuration files)");
    text.resize(text.size() - 12);
    CHECK(parse_text(text, Syntax::toml, "many.toml").entries.size() == 99999);
}

TEST_CASE("A TOML string or key longer than the limit is refused") {
    const std::string longest(max_config_string_bytes, 'x');
    CHECK(parse_text("s = \"" + longest + "\"\n", Syntax::toml, "l.toml").find("s")->text ==
          longest);
    CHECK_THROWS_WITH(parse_text("n = 1\ns = \"" + longest + "x\"\n", Syntax::toml, "l.toml"),
                      "l.toml:2:5: a string longer than 1048576 bytes (the limit for "
                      "configuration files)");
    CHECK_THROWS_WITH(parse_text("n = 1\n\"" + longest + "x\" = 1\n", Syntax::toml, "l.toml"),
                      "l.toml:2:1: a key longer than 1048576 bytes (the limit for "
                      "configuration files)");
}
