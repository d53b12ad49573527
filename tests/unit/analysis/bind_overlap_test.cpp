// Grouping by (transport, port) and the overlap of bind addresses inside a group.
#include <catch2/catch.hpp>

#include "analysis/bind_overlap.hpp"

using namespace xiaozhi::analysis;

TEST_CASE("group_positions: equal keys together, input order kept", "[analysis][overlap]") {
    std::vector<int> ports = {8003, 8000, 8003, 9000, 8000};
    auto groups = group_positions(ports, [](int port) { return port; });
    CHECK(groups == std::vector<std::vector<std::size_t>>{{1, 4}, {0, 2}, {3}});
}

TEST_CASE("earlier_overlaps: first earlier overlapping position and the count",
          "[analysis][overlap]") {
    auto result = earlier_overlaps(
        {"127.0.0.1", "192.168.1.5", "0.0.0.0", "127.0.0.1", "::", "::1", "localhost"}, false);
    REQUIRE(result.size() == 7);
    CHECK_FALSE(result[0].first);
    CHECK_FALSE(result[1].first);  // another specific address
    CHECK(result[2].first == 0u);  // 0.0.0.0 covers both
    CHECK(result[2].count == 2);
    CHECK(result[3].first == 0u);  // the same address again, and the wildcard
    CHECK(result[3].count == 2);
    CHECK(result[4].first == 0u);  // :: covers IPv4 too without v6only
    CHECK(result[4].count == 4);
    CHECK(result[5].first == 4u);  // ::1 is only inside ::
    CHECK(result[5].count == 1);
    CHECK(result[6].first == 0u);  // localhost is 127.0.0.1
    CHECK(result[6].count == 4);
}

TEST_CASE("earlier_overlaps: v6only keeps :: away from IPv4", "[analysis][overlap]") {
    auto result = earlier_overlaps({"0.0.0.0", "::", "127.0.0.1"}, true);
    CHECK_FALSE(result[1].first);
    CHECK(result[2].first == 0u);
    CHECK(result[2].count == 1);
}

TEST_CASE("earlier_overlaps: an empty compose host address publishes everywhere",
          "[analysis][overlap]") {
    auto result = earlier_overlaps({"127.0.0.1", "", "::1"}, true);
    CHECK(result[1].first == 0u);
    CHECK(result[2].first == 1u);
}
