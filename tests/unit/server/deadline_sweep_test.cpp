// Tests of swept deadlines: firing once due, cancelling, re-arming, owners gone, one list per
// context.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "deadline_sweep.hpp"

using namespace xiaozhi::server;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Records when its deadline fired; can re-arm itself once from inside the call.
struct RecordingOwner : DeadlineOwner, std::enable_shared_from_this<RecordingOwner> {
    explicit RecordingOwner(boost::asio::io_context& context) : deadline(context) {}

    void on_deadline() override {
        fired.push_back(Clock::now());
        if (rearm_after) {
            const auto after = *rearm_after;
            rearm_after.reset();
            deadline.arm(Clock::now() + after, weak_from_this());
        }
    }

    SweptDeadline deadline;
    std::vector<Clock::time_point> fired;
    std::optional<Clock::duration> rearm_after;
};

std::shared_ptr<RecordingOwner> make_owner(boost::asio::io_context& context) {
    return std::make_shared<RecordingOwner>(context);
}

void arm(const std::shared_ptr<RecordingOwner>& owner, Clock::time_point due) {
    owner->deadline.arm(due, owner);
}

std::size_t armed(boost::asio::io_context& context) {
    return boost::asio::use_service<DeadlineSweep>(context).armed();
}

}  // namespace

TEST_CASE("a swept deadline fires once, not before it is due", "[deadline_sweep]") {
    boost::asio::io_context context;
    auto owner = make_owner(context);
    const auto due = Clock::now() + 50ms;
    arm(owner, due);
    CHECK(armed(context) == 1);
    context.run_for(1s);
    REQUIRE(owner->fired.size() == 1);
    CHECK(owner->fired.front() >= due);
    CHECK(armed(context) == 0);
}

TEST_CASE("a cancelled swept deadline never fires", "[deadline_sweep]") {
    boost::asio::io_context context;
    auto owner = make_owner(context);
    arm(owner, Clock::now() + 30ms);
    owner->deadline.cancel();
    CHECK(armed(context) == 0);
    context.run_for(300ms);
    CHECK(owner->fired.empty());
}

TEST_CASE("re-arming replaces the due time, earlier or later", "[deadline_sweep]") {
    boost::asio::io_context context;
    auto later = make_owner(context);
    auto earlier = make_owner(context);
    const auto start = Clock::now();
    arm(later, start + 30ms);
    arm(later, start + 400ms);
    arm(earlier, start + 2s);
    arm(earlier, start + 150ms);
    CHECK(armed(context) == 2);
    // Inside 1 s: the 2 s time was replaced.
    context.run_for(1s);
    REQUIRE(later->fired.size() == 1);
    REQUIRE(earlier->fired.size() == 1);
    CHECK(later->fired.front() >= start + 400ms);
    CHECK(earlier->fired.front() >= start + 150ms);
}

TEST_CASE("a due deadline whose owner is gone calls nobody and leaves the list",
          "[deadline_sweep]") {
    boost::asio::io_context context;
    auto owner = make_owner(context);
    owner->deadline.arm(Clock::now() + 20ms, std::weak_ptr<RecordingOwner>{});
    CHECK(armed(context) == 1);
    context.run_for(300ms);
    CHECK(owner->fired.empty());
    CHECK(armed(context) == 0);
}

TEST_CASE("a destroyed deadline leaves the list", "[deadline_sweep]") {
    boost::asio::io_context context;
    auto owner = make_owner(context);
    arm(owner, Clock::now() + 1h);
    CHECK(armed(context) == 1);
    owner.reset();
    CHECK(armed(context) == 0);
}

TEST_CASE("an owner may re-arm from its own deadline call", "[deadline_sweep]") {
    boost::asio::io_context context;
    auto owner = make_owner(context);
    owner->rearm_after = 40ms;
    arm(owner, Clock::now() + 20ms);
    context.run_for(1s);
    REQUIRE(owner->fired.size() == 2);
    CHECK(owner->fired[1] - owner->fired[0] >= 40ms);
    CHECK(armed(context) == 0);
}

TEST_CASE("many deadlines due together fire in one sweep each, all of them", "[deadline_sweep]") {
    boost::asio::io_context context;
    std::vector<std::shared_ptr<RecordingOwner>> owners;
    const auto due = Clock::now() + 30ms;
    for (int i = 0; i < 500; ++i) {
        owners.push_back(make_owner(context));
        arm(owners.back(), due + std::chrono::microseconds(i));
    }
    auto distant = make_owner(context);
    arm(distant, Clock::now() + 1h);
    CHECK(armed(context) == 501);
    context.run_for(500ms);
    for (const auto& owner : owners) CHECK(owner->fired.size() == 1);
    CHECK(distant->fired.empty());
    CHECK(armed(context) == 1);
}

TEST_CASE("a deadline may be cancelled and destroyed on another thread", "[deadline_sweep]") {
    boost::asio::io_context context;
    std::vector<std::shared_ptr<RecordingOwner>> owners;
    for (int i = 0; i < 200; ++i) {
        owners.push_back(make_owner(context));
        arm(owners.back(), Clock::now() + std::chrono::milliseconds(i % 20));
    }
    std::thread sweeping([&context] { context.run_for(300ms); });
    for (std::size_t i = 0; i < owners.size(); i += 2) owners[i].reset();
    sweeping.join();
    for (std::size_t i = 1; i < owners.size(); i += 2) CHECK(owners[i]->fired.size() == 1);
    CHECK(armed(context) == 0);
}
