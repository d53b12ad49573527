// YAML and JSON within the parser limits: nesting, alias expansion, value count, string length.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <string>

#include "config/parse.hpp"
#include "limits_test_support.hpp"

using namespace xiaozhi::config;
using namespace xiaozhi::config::limits_test;

namespace {

// `count` lines "k000001<separator>1" and so on.
std::string numbered_keys(int count, const char* format) {
    std::string text;
    char line[32];
    for (int i = 1; i <= count; ++i) {
        std::snprintf(line, sizeof line, format, i);
        text += line;
    }
    return text;
}

}  // namespace

TEST_CASE("A 10,000-level YAML flow sequence is refused at the bracket past the limit") {
    const std::string deep = "a: " + repeated("[", 10000) + repeated("]", 10000) + "\n";
    CHECK_THROWS_WITH(parse_text(deep, Syntax::yaml, "f.yaml"), "f.yaml:1:67: " + too_deep);
    const std::string maps = "a: " + repeated("{b: ", 10000) + "1" + repeated("}", 10000);
    CHECK_THROWS_WITH(parse_text(maps, Syntax::yaml, "f.yaml"), "f.yaml:1:256: " + too_deep);
}

TEST_CASE("YAML flow nesting 64 levels deep is accepted, 65 refused") {
    const std::string at_limit = "a: " + repeated("[", 63) + repeated("]", 63) + "\n";
    CHECK(depth_of(parse_text(at_limit, Syntax::yaml, "f.yaml")) == 64);
    const std::string past = "a: " + repeated("[", 64) + repeated("]", 64) + "\n";
    CHECK_THROWS_WITH(parse_text(past, Syntax::yaml, "f.yaml"), "f.yaml:1:67: " + too_deep);
}

TEST_CASE("Deep YAML block nesting is refused at the level past the limit") {
    // 5,000 levels of indentation are as many as fit in max_config_bytes.
    std::string maps;
    for (int level = 0; level < 5000; ++level) maps += std::string(level, ' ') + "a:\n";
    CHECK_THROWS_WITH(parse_text(maps, Syntax::yaml, "b.yaml"), "b.yaml:65:65: " + too_deep);
    const std::string sequences = repeated("- ", 10000) + "1\n";
    CHECK_THROWS_WITH(parse_text(sequences, Syntax::yaml, "b.yaml"), "b.yaml:1:129: " + too_deep);
}

TEST_CASE("YAML block nesting 64 levels deep is accepted") {
    std::string maps;
    for (int level = 0; level < 64; ++level) maps += std::string(level, ' ') + "a:\n";
    maps += std::string(64, ' ') + "1\n";
    CHECK(depth_of(parse_text(maps, Syntax::yaml, "b.yaml")) == 64);
}

TEST_CASE("A YAML recursive alias ends at the depth limit") {
    CHECK_THROWS_WITH(parse_text("a: &x [*x]\n", Syntax::yaml, "r.yaml"),
                      "r.yaml:1:4: " + too_deep);
    CHECK_THROWS_WITH(parse_text("a: &x {<<: *x}\n", Syntax::yaml, "r.yaml"),
                      "r.yaml:1:4: " + too_deep);
}

TEST_CASE("A YAML alias bomb stops at the value limit while expanding") {
    std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char name = 'b'; name <= 'i'; ++name) {
        const std::string alias = std::string("*") + static_cast<char>(name - 1);
        text += std::string(1, name) + ": &" + name + " [" + alias;
        for (int i = 1; i < 10; ++i) text += ", " + alias;
        text += "]\n";
    }
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(parse_text(text, Syntax::yaml, "bomb.yaml"), "bomb.yaml:1:35: " + too_many);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("Merging a large YAML map takes linear time") {
    const std::string text = "a: &a\n" + numbered_keys(40000, "  k%06d: 1\n") + "b:\n  <<: *a\n";
    const auto start = std::chrono::steady_clock::now();
    const Node tree = parse_text(text, Syntax::yaml, "merge.yaml");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(tree.find("b")->entries.size() == 40000);
}

TEST_CASE("The values kept for repeated YAML keys count against the value limit") {
    const std::string items = repeated("0, ", 59999) + "0";
    const std::string text = "a: 1\na: 1\na: [" + items + "]\n";
    // 60,004 values in the tree; the first copy of the list crosses at its 39,996th item.
    CHECK_THROWS_WITH(parse_document(text, Syntax::yaml, "dup.yaml"),
                      "dup.yaml:3:" + std::to_string(5 + 3 * 39995) + ": " + too_many);
    const Document small = parse_document("a: 1\na: [1, 2]\n", Syntax::yaml, "dup.yaml");
    REQUIRE(small.duplicate_keys.size() == 1);
    CHECK(small.duplicate_keys.front().value.items.size() == 2);
}

TEST_CASE("A YAML document with too many values is refused at the first past the limit") {
    const std::string text = numbered_keys(100000, "k%06d: 1\n");
    CHECK_THROWS_WITH(parse_text(text, Syntax::yaml, "many.yaml"),
                      "many.yaml:100000:10: " + too_many);
    const std::string within = text.substr(0, text.size() - 11);
    CHECK(parse_text(within, Syntax::yaml, "many.yaml").entries.size() == 99999);
}

TEST_CASE("A YAML string or key longer than the limit is refused") {
    const std::string longest(max_config_string_bytes, 'x');
    CHECK(parse_text("s: " + longest + "\n", Syntax::yaml, "l.yaml").find("s")->text == longest);
    CHECK_THROWS_WITH(parse_text("n: 1\ns: '" + longest + "x'\n", Syntax::yaml, "l.yaml"),
                      "l.yaml:2:4: a string longer than 1048576 bytes (the limit for "
                      "configuration files)");
    CHECK_THROWS_WITH(parse_text("n: 1\n? " + longest + "x\n: 1\n", Syntax::yaml, "l.yaml"),
                      "l.yaml:2:3: a key longer than 1048576 bytes (the limit for "
                      "configuration files)");
}

TEST_CASE("A 10,000-level JSON document is refused at the bracket past the limit") {
    const std::string deep = "{\"a\": " + repeated("[", 10000) + repeated("]", 10000) + "}";
    CHECK_THROWS_WITH(parse_text(deep, Syntax::json, "deep.json"), "deep.json:1:70: " + too_deep);
}

TEST_CASE("JSON nesting 64 levels deep is accepted, 65 refused") {
    const std::string at_limit = repeated("{\"a\":", 63) + "{}" + repeated("}", 63);
    CHECK(depth_of(parse_text(at_limit, Syntax::json, "d.json")) == 64);
    const std::string past = repeated("{\"a\":", 64) + "{}" + repeated("}", 64);
    CHECK_THROWS_WITH(parse_text(past, Syntax::json, "d.json"), "d.json:1:321: " + too_deep);
}

TEST_CASE("A JSON document with too many values is refused at the first past the limit") {
    const std::string entries = numbered_keys(100000, "\"k%06d\": 1,\n");
    const std::string text = "{\n" + entries.substr(0, entries.size() - 2) + "\n}\n";
    CHECK_THROWS_WITH(parse_text(text, Syntax::json, "many.json"),
                      "many.json:100001:12: " + too_many);
    const std::string within = "{\n" + entries.substr(0, entries.size() - 16) + "\n}\n";
    CHECK(parse_text(within, Syntax::json, "many.json").entries.size() == 99999);
}

TEST_CASE("A JSON string or key longer than the limit is refused") {
    const std::string longest(max_config_string_bytes, 'x');
    CHECK(parse_text("{\"s\": \"" + longest + "\"}", Syntax::json, "l.json").find("s")->text ==
          longest);
    CHECK_THROWS_WITH(
        parse_text("{\"n\": 1,\n\"s\": \"" + longest + "x\"}", Syntax::json, "l.json"),
        "l.json:2:6: a string longer than 1048576 bytes (the limit for "
        "configuration files)");
    CHECK_THROWS_WITH(parse_text("{\"n\": 1,\n\"" + longest + "x\": 1}", Syntax::json, "l.json"),
                      "l.json:2:1: a key longer than 1048576 bytes (the limit for "
                      "configuration files)");
}
