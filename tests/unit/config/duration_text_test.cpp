// Tests of command-line durations.
#include <catch2/catch.hpp>

#include "config/duration_text.hpp"

using xiaozhi::config::leading_number;
using xiaozhi::config::parse_duration;
using namespace std::chrono_literals;

TEST_CASE("durations take ms, s, m, h or bare seconds", "[duration]") {
    CHECK(parse_duration("500ms") == 500ms);
    CHECK(parse_duration("10s") == 10000ms);
    CHECK(parse_duration("1.5s") == 1500ms);
    CHECK(parse_duration("2m") == 120000ms);
    CHECK(parse_duration("1h") == 3600000ms);
    CHECK(parse_duration("3") == 3000ms);
    CHECK(parse_duration("0") == 0ms);
}

TEST_CASE("other duration texts are refused", "[duration]") {
    CHECK_FALSE(parse_duration(""));
    CHECK_FALSE(parse_duration("s"));
    CHECK_FALSE(parse_duration("10 s"));
    CHECK_FALSE(parse_duration("10sec"));
    CHECK_FALSE(parse_duration("-1s"));
    CHECK_FALSE(parse_duration("1.2.3s"));
}

TEST_CASE("a leading number is split from what follows it", "[duration]") {
    std::string_view rest;
    CHECK(leading_number("200ms", rest) == 200.0);
    CHECK(rest == "ms");
    CHECK(leading_number("0.1%", rest) == Approx(0.1));
    CHECK(rest == "%");
    CHECK(leading_number("7", rest) == 7.0);
    CHECK(rest.empty());
    CHECK_FALSE(leading_number("ms", rest));
    CHECK_FALSE(leading_number("1.2.3", rest));
}
