// Tests of what the seed decides: device identities and the arrival schedule.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <set>

#include "device_identity.hpp"
#include "protocol/ota_request.hpp"
#include "simulation.hpp"

using namespace xiaozhi::simulator;
using namespace std::chrono_literals;

TEST_CASE("identities are reproducible, distinct and well formed", "[identity]") {
    const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::set<std::string> macs;
    for (std::uint32_t i = 0; i < 1000; ++i) {
        const DeviceIdentity identity = make_device_identity(7, i);
        CHECK(xiaozhi::protocol::is_mac_like(identity.mac));
        CHECK(std::regex_match(identity.client_id, uuid));
        // Locally administered, unicast.
        const int first = std::stoi(identity.mac.substr(0, 2), nullptr, 16);
        CHECK((first & 0x03) == 0x02);
        macs.insert(identity.mac);
    }
    CHECK(macs.size() == 1000);
    CHECK(make_device_identity(7, 3).mac == make_device_identity(7, 3).mac);
    CHECK(make_device_identity(7, 3).mac != make_device_identity(8, 3).mac);
}

TEST_CASE("a ramp spreads the devices evenly in a seeded order", "[arrivals]") {
    auto offsets = arrival_offsets(4, 1000ms, 0, 5);
    CHECK(offsets == arrival_offsets(4, 1000ms, 0, 5));
    auto sorted = offsets;
    std::sort(sorted.begin(), sorted.end());
    CHECK(sorted == std::vector<std::chrono::microseconds>{0us, 250000us, 500000us, 750000us});
    bool other_order = false;
    for (std::uint64_t seed = 6; seed < 20; ++seed) {
        other_order = other_order || arrival_offsets(4, 1000ms, 0, seed) != offsets;
    }
    CHECK(other_order);
}

TEST_CASE("without a ramp or rate every device starts at once", "[arrivals]") {
    for (const auto offset : arrival_offsets(10, 0ms, 0, 1)) CHECK(offset == 0us);
}

TEST_CASE("a rate gives Poisson arrivals near that rate", "[arrivals]") {
    const auto offsets = arrival_offsets(2000, 0ms, 100.0, 3);
    const auto last = *std::max_element(offsets.begin(), offsets.end());
    // 1999 gaps of 10 ms on average: about 20 s, within a few percent.
    CHECK(last > 18s);
    CHECK(last < 22s);
}
