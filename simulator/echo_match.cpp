// UplinkPacketIndex and TurnEcho: which sent frame an echoed packet is, and what never came back.
#include "echo_match.hpp"

namespace xiaozhi::simulator {

namespace {

std::string_view key_of(std::span<const std::uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

UplinkPacketIndex::UplinkPacketIndex(const std::vector<std::vector<std::uint8_t>>& packets) {
    for (std::uint32_t i = 0; i < packets.size(); ++i) {
        by_content_[key_of(packets[i])].push_back(i);
    }
}

std::span<const std::uint32_t> UplinkPacketIndex::find(std::span<const std::uint8_t> bytes) const {
    const auto found = by_content_.find(key_of(bytes));
    if (found == by_content_.end()) return {};
    return found->second;
}

void TurnEcho::begin(std::size_t frames) {
    sent_at_.assign(frames, Clock::time_point{});
    echoed_.assign(frames, false);
    highest_echoed_ = -1;
}

void TurnEcho::sent(std::uint32_t index, Clock::time_point due) {
    if (index < sent_at_.size()) sent_at_[index] = due;
}

EchoMatch TurnEcho::received(std::span<const std::uint32_t> candidates, Clock::time_point at) {
    bool seen_before = false;
    for (const std::uint32_t index : candidates) {
        if (index >= sent_at_.size() || sent_at_[index] == Clock::time_point{}) continue;
        if (echoed_[index]) {
            seen_before = true;
            continue;
        }
        echoed_[index] = true;
        EchoMatch match;
        match.outcome = static_cast<std::int64_t>(index) < highest_echoed_ ? EchoOutcome::reordered
                                                                           : EchoOutcome::in_order;
        if (static_cast<std::int64_t>(index) > highest_echoed_) highest_echoed_ = index;
        if (at > sent_at_[index]) {
            match.round_trip =
                std::chrono::duration_cast<std::chrono::microseconds>(at - sent_at_[index]);
        }
        return match;
    }
    return {seen_before ? EchoOutcome::duplicate : EchoOutcome::unmatched, {}};
}

std::uint32_t TurnEcho::lost(bool whole_utterance_echoed) const {
    const std::int64_t end =
        whole_utterance_echoed ? static_cast<std::int64_t>(sent_at_.size()) : highest_echoed_;
    std::uint32_t missing = 0;
    for (std::int64_t i = 0; i < end; ++i) {
        const auto index = static_cast<std::size_t>(i);
        if (sent_at_[index] != Clock::time_point{} && !echoed_[index]) ++missing;
    }
    return missing;
}

}  // namespace xiaozhi::simulator
