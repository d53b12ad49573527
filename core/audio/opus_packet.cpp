// Opus packet duration, supported settings and error texts through libopus.
#include "audio/opus_packet.hpp"

#include <opus/opus.h>

#include <algorithm>
#include <array>

namespace xiaozhi::audio {

int opus_packet_samples(std::span<const std::uint8_t> packet, int sample_rate) {
    if (packet.empty()) return OPUS_INVALID_PACKET;
    return opus_packet_get_nb_samples(packet.data(), static_cast<opus_int32>(packet.size()),
                                      sample_rate);
}

int opus_packet_duration_ms(std::span<const std::uint8_t> packet) {
    const int samples = opus_packet_samples(packet, 48000);
    return samples < 0 ? samples : samples / 48;
}

std::string opus_error_text(int code) {
    return opus_strerror(code);
}

std::string opus_settings_problem(int sample_rate, int channels, int frame_duration_ms) {
    constexpr std::array rates = {8000, 12000, 16000, 24000, 48000};
    constexpr std::array durations = {10, 20, 40, 60, 80, 100, 120};
    if (std::find(rates.begin(), rates.end(), sample_rate) == rates.end()) {
        return "sample rate " + std::to_string(sample_rate) +
               " Hz is not one of 8000, 12000, 16000, 24000, 48000";
    }
    if (channels != 1 && channels != 2) {
        return "channel count " + std::to_string(channels) + " is not 1 or 2";
    }
    if (frame_duration_ms != 0 &&
        std::find(durations.begin(), durations.end(), frame_duration_ms) == durations.end()) {
        return "frame duration " + std::to_string(frame_duration_ms) +
               " ms is not one of 10, 20, 40, 60, 80, 100, 120";
    }
    return "";
}

}  // namespace xiaozhi::audio
