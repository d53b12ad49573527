// ConnectionSlots: one count under the limit and the descriptor cap; connections_that_fit.
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "connection_slots.hpp"
#include "open_file_limit.hpp"

using namespace xiaozhi::server;

TEST_CASE("connection slots are held up to the limit and released when destroyed",
          "[server][limits]") {
    ConnectionSlots slots;
    std::vector<ConnectionSlot> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(slots.try_acquire(3));
        CHECK(held.back());
    }
    CHECK_FALSE(slots.try_acquire(3));
    CHECK(slots.held() == 3);
    ConnectionSlot moved = std::move(held.front());
    CHECK(slots.held() == 3);
    held.clear();
    CHECK(slots.held() == 1);
    moved = ConnectionSlot();
    CHECK(slots.held() == 0);
    CHECK(slots.try_acquire(1));
}

TEST_CASE("the descriptor cap lowers the limit slots are given under", "[server][limits]") {
    ConnectionSlots slots;
    slots.set_descriptor_cap(2);
    CHECK(slots.effective_limit(10) == 2);
    CHECK(slots.effective_limit(1) == 1);
    const ConnectionSlot first = slots.try_acquire(10);
    const ConnectionSlot second = slots.try_acquire(10);
    CHECK((first && second));
    CHECK_FALSE(slots.try_acquire(10));
}

TEST_CASE("connections fit in the open-files limit beside those in use and the reserve",
          "[server][limits]") {
    CHECK(connections_that_fit(65536, 20) == 65536 - 20 - kDescriptorReserve);
    CHECK(connections_that_fit(1024, 20) == 1024 - 20 - kDescriptorReserve);
    CHECK(connections_that_fit(50, 20) == 1);
}
