// diff(): added, removed and changed keys, type changes, --ignore/--only, order-insensitive lists.
#include <catch2/catch.hpp>

#include "config/diff.hpp"
#include "config/parse.hpp"

using namespace xiaozhi::config;

namespace {

Effective from_yaml(const std::string& text, const std::string& file) {
    return Effective::merge(
        {Layer{LayerKind::file, file, parse_text(text, Syntax::yaml, file), {}}});
}

std::vector<std::string> keys_of(const std::vector<DiffEntry>& entries) {
    std::vector<std::string> keys;
    for (const auto& entry : entries) keys.push_back(entry.key);
    return keys;
}

}  // namespace

TEST_CASE("Added, removed and changed keys, sorted by key, with origins") {
    const Effective before = from_yaml("server:\n  port: 8000\n  ip: 0.0.0.0\nlog: {}\n", "a.yaml");
    const Effective after =
        from_yaml("server:\n  port: 8100\n  websocket: ws://h/\nlog: {}\n", "b.yaml");
    const auto changes = diff(before, after, {});
    REQUIRE(keys_of(changes) ==
            std::vector<std::string>{"server.ip", "server.port", "server.websocket"});
    CHECK(changes[0].change == Change::removed);
    CHECK(changes[0].before->text == "0.0.0.0");
    CHECK_FALSE(changes[0].after.has_value());
    CHECK(changes[0].before_origin->to_string() == "a.yaml:3:7");
    CHECK(changes[1].change == Change::changed);
    CHECK(changes[1].before->integer == 8000);
    CHECK(changes[1].after->integer == 8100);
    CHECK(changes[1].after_origin->to_string() == "b.yaml:2:9");
    CHECK(changes[2].change == Change::added);
    CHECK_FALSE(changes[2].before.has_value());
    CHECK_FALSE(changes[2].before_origin.has_value());
}

TEST_CASE("Identical configurations have no differences, whatever the positions") {
    const Effective before = from_yaml("a: 1\nb: [x, y]\n", "a.yaml");
    const Effective after = from_yaml("\n\nb: [x, y]\na: 1\n", "b.yaml");
    CHECK(diff(before, after, {}).empty());
}

TEST_CASE("Types matter: 8000 and \"8000\" differ") {
    const auto changes =
        diff(from_yaml("port: 8000\n", "a.yaml"), from_yaml("port: \"8000\"\n", "b.yaml"), {});
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].change == Change::changed);
    CHECK(changes[0].after->kind == Kind::string);
}

TEST_CASE("A map becoming a scalar is a removal and an addition") {
    const auto changes = diff(from_yaml("auth:\n  enabled: true\n", "a.yaml"),
                              from_yaml("auth: false\n", "b.yaml"), {});
    REQUIRE(keys_of(changes) == std::vector<std::string>{"auth", "auth.enabled"});
    CHECK(changes[0].change == Change::added);
    CHECK(changes[1].change == Change::removed);
}

TEST_CASE("Ignore and only options match whole key segments") {
    const Effective before = from_yaml("server:\n  port: 1\n  ip: a\nserverx: 1\nlog: x\n", "a");
    const Effective after = from_yaml("server:\n  port: 2\n  ip: b\nserverx: 2\nlog: y\n", "b");
    DiffOptions ignore;
    ignore.ignore = {"server"};
    CHECK(keys_of(diff(before, after, ignore)) == std::vector<std::string>{"log", "serverx"});
    ignore.ignore = {"server.port"};
    CHECK(keys_of(diff(before, after, ignore)) ==
          std::vector<std::string>{"log", "server.ip", "serverx"});
    DiffOptions only;
    only.only = {"server"};
    CHECK(keys_of(diff(before, after, only)) ==
          std::vector<std::string>{"server.ip", "server.port"});
    only.only = {"server.port", "log"};
    CHECK(keys_of(diff(before, after, only)) == std::vector<std::string>{"log", "server.port"});
    only.ignore = {"log"};
    CHECK(keys_of(diff(before, after, only)) == std::vector<std::string>{"server.port"});
}

TEST_CASE("ignore_order compares lists as multisets") {
    const Effective before = from_yaml("l: [a, b, c]\nm: [a, a]\n", "a");
    const Effective after = from_yaml("l: [c, a, b]\nm: [a]\n", "b");
    CHECK(keys_of(diff(before, after, {})) == std::vector<std::string>{"l", "m"});
    DiffOptions options;
    options.ignore_order = true;
    CHECK(keys_of(diff(before, after, options)) == std::vector<std::string>{"m"});
}
