// Tests of the output format names.
#include <catch2/catch.hpp>

#include "report/format.hpp"

using namespace xiaozhi::report;

TEST_CASE("every format name parses back to its format", "[format]") {
    for (Format format :
         {Format::text, Format::json, Format::sarif, Format::junit, Format::github}) {
        const auto parsed = parse_format(format_name(format));
        REQUIRE(parsed.has_value());
        CHECK(*parsed == format);
    }
    CHECK(format_name(Format::sarif) == "sarif");
}

TEST_CASE("unknown and differently spelled format names do not parse", "[format]") {
    CHECK_FALSE(parse_format("xml").has_value());
    CHECK_FALSE(parse_format("JSON").has_value());
    CHECK_FALSE(parse_format("").has_value());
}
