// Opus facts that need no codec state: packet duration, supported settings, error texts.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace xiaozhi::audio {

// Samples per channel that `packet` decodes to at `sample_rate` (opus_packet_get_nb_samples),
// or a negative libopus error code for an empty or invalid packet. Works at any
// Opus rate, whatever rate the packet was encoded at.
int opus_packet_samples(std::span<const std::uint8_t> packet, int sample_rate);

// Duration of `packet` in milliseconds (exact for whole-ms durations), or a negative libopus error
// code.
int opus_packet_duration_ms(std::span<const std::uint8_t> packet);

// libopus's text for an error code ("corrupted stream", "invalid argument", ...).
std::string opus_error_text(int code);

// Why libopus cannot encode or decode with these settings, or "" when it can:
// rates 8000/12000/16000/24000/48000, 1 or 2 channels, frame duration 10, 20, 40, 60,
// 80, 100 or 120 ms (pass 0 for a decoder, which has no frame duration).
std::string opus_settings_problem(int sample_rate, int channels, int frame_duration_ms);

}  // namespace xiaozhi::audio
