// render_event: logfmt quoting in text, typed keys in JSON, revisions as numbers.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "log_event.hpp"

using namespace xiaozhi::server;

TEST_CASE("a text event is its sentence and logfmt fields, quoted only when needed",
          "[server][logs]") {
    CHECK(render_event(EventFormat::text, "bind", "bind",
                       {{"service", "websocket"}, {"requested_port", 8000}, {"ok", true}}) ==
          "bind service=websocket requested_port=8000 ok=true");
    CHECK(render_event(EventFormat::text, "reply", "reply",
                       {{"stt", "heard 0.6 s"}, {"empty", ""}, {"q", "a\"b=c\\d"}}) ==
          R"(reply stt="heard 0.6 s" empty="" q="a\"b=c\\d")");
    CHECK(render_event(EventFormat::text, "x", "x", {{"line", "one\ntwo\x01"}}) ==
          R"(x line="one\ntwo\x01")");
    CHECK(render_event(EventFormat::text, "stopped", "stopped", {}) == "stopped");
}

TEST_CASE("a JSON event has event, message and each field as a typed key, in order",
          "[server][logs]") {
    const std::string line = render_event(EventFormat::json, "session_closed", "session closed",
                                          {{"device", "aa:bb"},
                                           {"code", 1008},
                                           {"bytes", std::uint64_t{18446744073709551615ULL}},
                                           {"ratio", 0.5},
                                           {"clean", false}});
    CHECK(line.rfind(R"({"event":"session_closed","message":"session closed","device":)", 0) == 0);
    const auto json = nlohmann::json::parse(line);
    CHECK(json.at("code") == 1008);
    CHECK(json.at("bytes").get<std::uint64_t>() == 18446744073709551615ULL);
    CHECK(json.at("ratio") == 0.5);
    CHECK(json.at("clean") == false);
    CHECK(json.at("device") == "aa:bb");
}

TEST_CASE("a peer's invalid UTF-8 is replaced, never a broken line or an exception",
          "[server][logs]") {
    const std::string line = render_event(EventFormat::json, "text_ignored", "text frame ignored",
                                          {{"detail", "\xff\xfe"}});
    CHECK(nlohmann::json::parse(line).at("detail") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("a revision kept as text is logged as a number when it is one", "[server][logs]") {
    CHECK(render_event(EventFormat::json, "e", "e", {number_or_text("revision", "12")}) ==
          R"({"event":"e","message":"e","revision":12})");
    CHECK(render_event(EventFormat::json, "e", "e", {number_or_text("revision", "")}) ==
          R"({"event":"e","message":"e","revision":""})");
    CHECK(render_event(EventFormat::json, "e", "e", {number_or_text("revision", "12a")}) ==
          R"({"event":"e","message":"e","revision":"12a"})");
}
