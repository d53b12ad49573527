// The latencies a run measures, by index and by the name reports and objectives use.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace xiaozhi::simulator {

enum class Latency : std::size_t {
    ota,              // OTA request: scheduled start to the whole answer
    connect,          // TCP connect, TLS (wss) and WebSocket upgrade: scheduled to upgraded
    tls_handshake,    // each TLS handshake (https OTA, wss): TCP connected to handshake done
    hello,            // device hello sent to the server's hello
    first_reply,      // end of the utterance (scheduled `listen stop`) to the first downlink frame
    downlink_gap,     // between consecutive downlink frames of a reply (jitter)
    pacing_lateness,  // how late an uplink frame left against its schedule (the simulator's own)
    round_trip,       // an uplink frame's scheduled send to the arrival of its echo
};

inline constexpr std::size_t kLatencyCount = 8;

inline constexpr std::array<std::string_view, kLatencyCount> kLatencyNames = {
    "ota",         "connect",      "tls_handshake",   "hello",
    "first_reply", "downlink_gap", "pacing_lateness", "round_trip"};

inline constexpr std::string_view latency_name(Latency latency) {
    return kLatencyNames[static_cast<std::size_t>(latency)];
}

}  // namespace xiaozhi::simulator
