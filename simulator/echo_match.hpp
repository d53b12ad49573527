// Matching echoed downlink frames to the uplink frames a device sent: loss, reordering, round trip.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace xiaozhi::simulator {

// Which uplink packets hold given bytes: built once per run from the shared utterance, whose
// packets it refers to and must not outlive.
class UplinkPacketIndex {
  public:
    explicit UplinkPacketIndex(const std::vector<std::vector<std::uint8_t>>& packets);

    // The indices of the packets equal to `bytes`, ascending; empty when none is.
    std::span<const std::uint32_t> find(std::span<const std::uint8_t> bytes) const;

  private:
    std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_content_;
};

enum class EchoOutcome {
    in_order,   // the echo of a frame sent in this turn, after every earlier echo
    reordered,  // the echo of a frame sent before one already echoed
    duplicate,  // every frame with these bytes was echoed already
    unmatched,  // no frame of this turn had these bytes
};

struct EchoMatch {
    EchoOutcome outcome = EchoOutcome::unmatched;
    std::chrono::microseconds round_trip{0};  // scheduled send to arrival (matched only)
};

// One device's uplink frames of the current turn and which of them came back.
class TurnEcho {
  public:
    using Clock = std::chrono::steady_clock;

    // A new turn of at most `frames` uplink frames.
    void begin(std::size_t frames);
    // Frame `index` of the utterance was due to leave at `due`.
    void sent(std::uint32_t index, Clock::time_point due);
    // A downlink packet whose bytes equal the uplink packets `candidates` arrived at `at`.
    EchoMatch received(std::span<const std::uint32_t> candidates, Clock::time_point at);
    // Frames sent and not echoed: all of them when the whole utterance is echoed (manual
    // mode), else only the gaps below the last frame that came back (the server may end
    // an auto or realtime utterance before the device stops sending).
    std::uint32_t lost(bool whole_utterance_echoed) const;

  private:
    std::vector<Clock::time_point> sent_at_;  // Clock::time_point{} = not sent
    std::vector<bool> echoed_;
    std::int64_t highest_echoed_ = -1;
};

}  // namespace xiaozhi::simulator
