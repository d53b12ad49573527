// choose_instance: most free capacity, ties, health, self balance, sticky; entries read from JSON.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "fleet/instance_choice.hpp"

using namespace xiaozhi::fleet;

namespace {

InstanceView instance(const std::string& id, std::int64_t sessions, std::int64_t capacity,
                      bool healthy = true) {
    return InstanceView{id, "ws://" + id + ":8000/xiaozhi/v1/", sessions, capacity, healthy, ""};
}

}  // namespace

TEST_CASE("choose_instance hands out the healthy instance with the most free capacity") {
    const std::vector<InstanceView> fleet = {instance("a", 90, 100), instance("b", 10, 100),
                                             instance("c", 0, 100, false)};
    CHECK(choose_instance(fleet, "a", "dev", Balance::least_loaded, false) == 1u);
    CHECK_FALSE(choose_instance(fleet, "a", "dev", Balance::self, false));
    const std::vector<InstanceView> full = {instance("a", 100, 100), instance("b", 7, 7)};
    CHECK_FALSE(choose_instance(full, "a", "dev", Balance::least_loaded, false));
    CHECK_FALSE(choose_instance({}, "a", "dev", Balance::least_loaded, false));
}

TEST_CASE("a tie goes to this instance, then to the lowest id") {
    const std::vector<InstanceView> tie = {instance("c", 0, 10), instance("b", 0, 10),
                                           instance("self", 0, 10)};
    CHECK(choose_instance(tie, "self", "dev", Balance::least_loaded, false) == 2u);
    CHECK(choose_instance(tie, "other", "dev", Balance::least_loaded, false) == 1u);
}

TEST_CASE("sticky keeps a device on one instance and spreads devices over all") {
    std::vector<InstanceView> fleet = {instance("a", 0, 100), instance("b", 50, 100),
                                       instance("c", 99, 100)};
    std::set<std::size_t> used;
    for (int device = 0; device < 40; ++device) {
        const std::string id = "aa:bb:cc:00:00:" + std::to_string(device);
        const auto first = choose_instance(fleet, "a", id, Balance::least_loaded, true);
        REQUIRE(first);
        fleet[1].sessions = 60;  // load changes do not move a sticky device
        CHECK(choose_instance(fleet, "a", id, Balance::least_loaded, true) == first);
        fleet[1].sessions = 50;
        used.insert(*first);
    }
    CHECK(used.size() == 3);
    // An instance that fell out is never handed out.
    fleet[2].healthy = false;
    for (int device = 0; device < 40; ++device) {
        const std::string id = "aa:bb:cc:00:00:" + std::to_string(device);
        CHECK(choose_instance(fleet, "a", id, Balance::least_loaded, true) != 2u);
    }
}

TEST_CASE("instance_view_of reads a registry entry and ignores what is not one") {
    const auto view = instance_view_of(
        "edge-1",
        R"({"websocket_url":"ws://10.0.0.2:8000/xiaozhi/v1/","sessions":3,"capacity":100,)"
        R"("health":"ok","pid":7})");
    REQUIRE(view);
    CHECK(view->id == "edge-1");
    CHECK(view->websocket_url == "ws://10.0.0.2:8000/xiaozhi/v1/");
    CHECK(view->sessions == 3);
    CHECK(view->capacity == 100);
    CHECK(view->healthy);
    CHECK_FALSE(instance_view_of("x", R"({"health":"degraded"})")->healthy);
    CHECK_FALSE(instance_view_of("x", "not json"));
    CHECK_FALSE(instance_view_of("x", R"({"sessions":"many"})"));
}
