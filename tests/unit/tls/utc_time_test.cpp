// UTC time text: the snapshot's "time" and check-ports --now.
#include <catch2/catch.hpp>

#include "tls/utc_time.hpp"

using namespace std::chrono_literals;
using xiaozhi::tls::parse_utc_time;
using xiaozhi::tls::utc_date_text;
using xiaozhi::tls::utc_time_text;

TEST_CASE("UTC times round-trip through their text", "[tls][time]") {
    auto time = parse_utc_time("2026-02-28T23:59:07Z");
    REQUIRE(time);
    CHECK(utc_time_text(*time) == "2026-02-28T23:59:07Z");
    CHECK(utc_date_text(*time) == "2026-02-28");
    CHECK(utc_time_text(*time + 53s) == "2026-03-01T00:00:00Z");
    CHECK(time->time_since_epoch() == std::chrono::seconds(1772323147));
    CHECK(parse_utc_time("2026-02-28 23:59:07Z") == time);
    CHECK(utc_time_text(*parse_utc_time("2026-02-28")) == "2026-02-28T00:00:00Z");
    CHECK(utc_time_text(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00Z");
}

TEST_CASE("malformed UTC times are refused", "[tls][time]") {
    for (const char* text :
         {"", "2026-02-30", "2026-13-01", "2026-02-28T24:00:00Z", "2026-02-28T12:00:00",
          "2026-02-28T12:00:00+01:00", "26-02-28", "2026/02/28", "2026-02-28T12:00Z", "tomorrow"}) {
        INFO(text);
        CHECK_FALSE(parse_utc_time(text).has_value());
    }
}
