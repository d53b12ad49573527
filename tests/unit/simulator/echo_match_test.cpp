// Matching echoed packets to sent frames: loss, reordering, duplicates, round trips.
#include <catch2/catch.hpp>

#include "echo_match.hpp"

using namespace xiaozhi::simulator;
using Clock = TurnEcho::Clock;
using std::chrono::milliseconds;

namespace {

const std::vector<std::vector<std::uint8_t>> kPackets = {{1, 2, 3}, {4, 5}, {6}, {4, 5}, {7, 8}};

std::span<const std::uint8_t> bytes(std::size_t index) {
    return kPackets[index];
}

// A turn in which frames 0..count-1 were sent 60 ms apart from `start`.
TurnEcho turn_with_sent(std::size_t count, Clock::time_point start) {
    TurnEcho turn;
    turn.begin(kPackets.size());
    for (std::uint32_t i = 0; i < count; ++i) turn.sent(i, start + milliseconds(60) * i);
    return turn;
}

}  // namespace

TEST_CASE("the index finds every packet equal to the bytes, ascending", "[echo]") {
    const UplinkPacketIndex index(kPackets);
    REQUIRE(std::vector<std::uint32_t>(index.find(bytes(0)).begin(), index.find(bytes(0)).end()) ==
            std::vector<std::uint32_t>{0});
    const auto twice = index.find(bytes(1));
    REQUIRE(std::vector<std::uint32_t>(twice.begin(), twice.end()) ==
            std::vector<std::uint32_t>{1, 3});
    const std::vector<std::uint8_t> other{9, 9};
    REQUIRE(index.find(other).empty());
}

TEST_CASE("an echo in order gives its round trip from the scheduled send", "[echo]") {
    const UplinkPacketIndex index(kPackets);
    const auto start = Clock::now();
    TurnEcho turn = turn_with_sent(5, start);
    for (std::size_t i = 0; i < 5; ++i) {
        const auto match = turn.received(index.find(bytes(i)), start + milliseconds(500 + 60 * i));
        INFO("frame " << i);
        REQUIRE(match.outcome == EchoOutcome::in_order);
        REQUIRE(match.round_trip == milliseconds(500));
    }
    REQUIRE(turn.lost(true) == 0);
}

TEST_CASE("equal packets are matched to the earliest frame not yet echoed", "[echo]") {
    const UplinkPacketIndex index(kPackets);
    const auto start = Clock::now();
    TurnEcho turn = turn_with_sent(5, start);
    const auto at = start + milliseconds(1000);
    REQUIRE(turn.received(index.find(bytes(1)), at).round_trip == milliseconds(1000 - 60));
    REQUIRE(turn.received(index.find(bytes(3)), at).round_trip == milliseconds(1000 - 180));
    REQUIRE(turn.received(index.find(bytes(3)), at).outcome == EchoOutcome::duplicate);
}

TEST_CASE("a frame arriving after a later one's echo is reordered", "[echo]") {
    const UplinkPacketIndex index(kPackets);
    const auto start = Clock::now();
    TurnEcho turn = turn_with_sent(5, start);
    const auto at = start + milliseconds(400);
    REQUIRE(turn.received(index.find(bytes(0)), at).outcome == EchoOutcome::in_order);
    REQUIRE(turn.received(index.find(bytes(2)), at).outcome == EchoOutcome::in_order);
    REQUIRE(turn.received(index.find(bytes(1)), at).outcome == EchoOutcome::reordered);
    REQUIRE(turn.received(index.find(bytes(4)), at).outcome == EchoOutcome::in_order);
    REQUIRE(turn.lost(true) == 1);  // frame 3 never came back
}

TEST_CASE("bytes no frame of the turn had are unmatched", "[echo]") {
    const UplinkPacketIndex index(kPackets);
    const auto start = Clock::now();
    TurnEcho turn = turn_with_sent(2, start);
    const std::vector<std::uint8_t> foreign{42};
    REQUIRE(turn.received(index.find(foreign), start).outcome == EchoOutcome::unmatched);
    // Frame 4 exists in the utterance but was not sent in this turn.
    REQUIRE(turn.received(index.find(bytes(4)), start).outcome == EchoOutcome::unmatched);
}

TEST_CASE("loss counts every unechoed frame, or only the gaps when the server may cut short",
          "[echo]") {
    const UplinkPacketIndex index(kPackets);
    const auto start = Clock::now();
    TurnEcho turn = turn_with_sent(5, start);
    turn.received(index.find(bytes(0)), start);
    turn.received(index.find(bytes(2)), start);
    REQUIRE(turn.lost(true) == 3);   // 1, 3 and 4
    REQUIRE(turn.lost(false) == 1);  // only 1, below the last echoed frame 2
}

TEST_CASE("a new turn forgets the previous one", "[echo]") {
    const UplinkPacketIndex index(kPackets);
    const auto start = Clock::now();
    TurnEcho turn = turn_with_sent(5, start);
    turn.received(index.find(bytes(0)), start);
    turn.begin(kPackets.size());
    REQUIRE(turn.lost(true) == 0);
    REQUIRE(turn.received(index.find(bytes(0)), start).outcome == EchoOutcome::unmatched);
    turn.sent(0, start);
    REQUIRE(turn.received(index.find(bytes(0)), start).outcome == EchoOutcome::in_order);
}
