// The utterance every simulated device speaks: Opus packets encoded once at start-up, shared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xiaozhi::simulator {

// Uplink format of the firmware: Opus, 16 kHz, mono.
inline constexpr int kUplinkSampleRate = 16000;

struct UplinkAudio {
    int frame_duration_ms = 60;
    std::vector<std::vector<std::uint8_t>> packets;  // one per frame, in order

    int duration_ms() const { return static_cast<int>(packets.size()) * frame_duration_ms; }
};

// The built-in speech-like signal of `duration_ms`, encoded in frames of `frame_duration_ms`.
UplinkAudio speech_uplink(int duration_ms, int frame_duration_ms, std::uint32_t seed);

// A WAV file (16-bit PCM, any rate, mono or stereo) mixed to mono, resampled to 16 kHz and
// encoded; the last partial frame is padded with silence. nullopt with `error` set when
// the file cannot be read or holds no audio.
std::optional<UplinkAudio> wav_uplink(const std::string& path, int frame_duration_ms,
                                      std::string& error);

}  // namespace xiaozhi::simulator
