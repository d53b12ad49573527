// What a simulate-device run does: where to connect, how many devices, how they talk.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/binary_frame.hpp"
#include "protocol/device_message.hpp"

namespace xiaozhi::simulator {

struct SimulationOptions {
    std::string ota_url;  // POSTed first; its answer gives the WebSocket URL, token and version
    std::string ws_url;   // used directly when ota_url is empty
    std::string token;    // bearer token when connecting without OTA ("" = none)
    std::string ca_file;  // https and wss peers verified against this PEM bundle ("": system store)
    bool insecure = false;  // https and wss peers not verified at all
    std::uint32_t devices = 1;
    std::chrono::milliseconds ramp{0};      // devices start evenly spread over this time
    double rate = 0;                        // or: arrivals per second (Poisson), when > 0
    int turns = 1;                          // per device; 0 = until `duration`
    std::chrono::milliseconds duration{0};  // no new turn after this (0 = no limit)
    bool idle = false;  // after hello, talk no turn; stay connected until `duration` ends
    protocol::ListenMode mode = protocol::ListenMode::manual_stop;
    std::optional<protocol::BinaryProtocol> protocol;  // forced; else OTA's version, else v1
    std::chrono::milliseconds pause{1000};             // between turns, +-20 % jitter
    double abort_rate = 0;                             // share of turns that send `abort` mid-reply
    bool verify_audio = false;                         // decode every downlink Opus packet
    std::uint64_t seed = 1;
    std::chrono::milliseconds hello_timeout{10000};
    std::chrono::milliseconds reply_timeout{30000};  // listen stop to tts stop
    std::chrono::milliseconds connect_timeout{10000};
    std::string board = "bread-compact-wifi";  // board.type and the User-Agent's name
    std::string firmware_version = "1.0.0";    // application.version
    int threads = 0;                           // 0 = one per core
};

}  // namespace xiaozhi::simulator
