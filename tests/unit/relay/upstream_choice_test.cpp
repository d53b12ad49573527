// choose_upstream: least-loaded by weight, exclusions, draining, sticky rendezvous hashing.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "relay/upstream_choice.hpp"

using namespace xiaozhi::relay;

namespace {

const std::vector<std::string> urls = {
    "ws://10.0.0.1:8000/xiaozhi/v1/", "ws://10.0.0.2:8000/xiaozhi/v1/",
    "ws://10.0.0.3:8000/xiaozhi/v1/", "ws://10.0.0.4:8000/xiaozhi/v1/"};

// `count` healthy upstreams of weight 1 without sessions.
std::vector<UpstreamView> pool(std::size_t count) {
    std::vector<UpstreamView> upstreams;
    for (std::size_t i = 0; i < count; ++i) upstreams.push_back(UpstreamView{urls[i]});
    return upstreams;
}

std::optional<std::size_t> least_loaded(const std::vector<UpstreamView>& upstreams,
                                        const std::vector<std::size_t>& excluded = {}) {
    return choose_upstream(upstreams, "aa:bb:cc:dd:ee:ff", false, excluded);
}

std::optional<std::size_t> sticky(const std::vector<UpstreamView>& upstreams,
                                  const std::string& device_id,
                                  const std::vector<std::size_t>& excluded = {}) {
    return choose_upstream(upstreams, device_id, true, excluded);
}

std::string device_id(int n) {
    return "device-" + std::to_string(n);
}

}  // namespace

TEST_CASE("choice: the upstream with the fewest active sessions, ties to the lowest index",
          "[relay][choice]") {
    std::vector<UpstreamView> upstreams = pool(3);
    CHECK(least_loaded(upstreams) == 0u);
    upstreams[0].active = 2;
    upstreams[1].active = 1;
    upstreams[2].active = 1;
    CHECK(least_loaded(upstreams) == 1u);
    upstreams[1].active = 3;
    CHECK(least_loaded(upstreams) == 2u);
}

TEST_CASE("choice: weights scale the load an upstream takes", "[relay][choice]") {
    std::vector<UpstreamView> upstreams = pool(2);
    upstreams[0].weight = 3;
    upstreams[0].active = 5;  // 5/3 per weight
    upstreams[1].active = 2;  // 2/1
    CHECK(least_loaded(upstreams) == 0u);
    upstreams[0].active = 6;  // 6/3 = 2/1: a tie goes to the lower index
    CHECK(least_loaded(upstreams) == 0u);
    upstreams[0].active = 7;
    CHECK(least_loaded(upstreams) == 1u);

    // Placing sessions one by one fills them 3:1.
    std::vector<UpstreamView> fresh = pool(2);
    fresh[0].weight = 3;
    for (int i = 0; i < 400; ++i) ++fresh[*least_loaded(fresh)].active;
    CHECK(fresh[0].active == 300);
    CHECK(fresh[1].active == 100);
}

TEST_CASE("choice: only healthy, non-draining, non-excluded upstreams are candidates",
          "[relay][choice]") {
    std::vector<UpstreamView> upstreams = pool(3);
    upstreams[0].healthy = false;
    upstreams[1].draining = true;
    CHECK(least_loaded(upstreams) == 2u);
    CHECK(sticky(upstreams, "aa:bb") == 2u);
    CHECK_FALSE(least_loaded(upstreams, {2}).has_value());
    CHECK_FALSE(sticky(upstreams, "aa:bb", {2}).has_value());
    upstreams[2].weight = 0;
    CHECK_FALSE(least_loaded(upstreams).has_value());
    CHECK_FALSE(least_loaded({}).has_value());

    std::vector<UpstreamView> busy = pool(3);
    busy[0].active = 9;
    busy[1].active = 0;
    busy[2].active = 4;
    CHECK(least_loaded(busy, {1}) == 2u);
}

TEST_CASE("choice: sticky gives a device the same upstream every time, whatever the load",
          "[relay][choice]") {
    std::vector<UpstreamView> upstreams = pool(4);
    for (int n = 0; n < 100; ++n) {
        const auto first = sticky(upstreams, device_id(n));
        REQUIRE(first.has_value());
        upstreams[*first].active += 10;
        CHECK(sticky(upstreams, device_id(n)) == first);
    }
}

TEST_CASE("choice: sticky is the same in every process (the hash is fixed)", "[relay][choice]") {
    // Pinned answers: a change of hash would move every device of a running fleet.
    const std::vector<UpstreamView> upstreams = pool(4);
    std::vector<std::size_t> chosen;
    for (int n = 0; n < 8; ++n) chosen.push_back(*sticky(upstreams, device_id(n)));
    CHECK(chosen == std::vector<std::size_t>{1, 2, 1, 2, 0, 2, 1, 3});
}

TEST_CASE("choice: an upstream leaving moves only its own devices", "[relay][choice]") {
    std::vector<UpstreamView> upstreams = pool(4);
    std::vector<std::size_t> before;
    for (int n = 0; n < 1000; ++n) before.push_back(*sticky(upstreams, device_id(n)));
    upstreams[2].healthy = false;
    int moved = 0;
    for (int n = 0; n < 1000; ++n) {
        const std::size_t after = *sticky(upstreams, device_id(n));
        if (before[n] == 2) {
            CHECK(after != 2);
            ++moved;
        } else {
            CHECK(after == before[n]);
        }
    }
    CHECK(moved > 150);
    CHECK(moved < 350);

    // Back healthy: every device returns where it was.
    upstreams[2].healthy = true;
    for (int n = 0; n < 1000; ++n) CHECK(*sticky(upstreams, device_id(n)) == before[n]);
}

TEST_CASE("choice: sticky spreads devices roughly by weight", "[relay][choice]") {
    std::vector<UpstreamView> upstreams = pool(3);
    upstreams[0].weight = 1;
    upstreams[1].weight = 2;
    upstreams[2].weight = 5;
    std::vector<int> counts(3);
    for (int n = 0; n < 8000; ++n) ++counts[*sticky(upstreams, device_id(n))];
    CHECK(counts[0] == Approx(1000).margin(150));
    CHECK(counts[1] == Approx(2000).margin(200));
    CHECK(counts[2] == Approx(5000).margin(250));
}

TEST_CASE("choice: sticky without a device id is least-loaded", "[relay][choice]") {
    std::vector<UpstreamView> upstreams = pool(3);
    upstreams[0].active = 4;
    upstreams[1].active = 1;
    upstreams[2].active = 2;
    CHECK(sticky(upstreams, "") == 1u);
}
