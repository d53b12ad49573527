// RAII wrapper of libopus's encoder for fixed-size frames.
#include "audio/opus_frame_encoder.hpp"

#include <opus/opus.h>

#include <stdexcept>
#include <string>

#include "audio/opus_packet.hpp"

namespace xiaozhi::audio {

namespace {

// Upper bound of one Opus packet (RFC 6716 allows 1275 bytes per 20 ms frame; up to 6 frames).
constexpr int kMaxPacketBytes = 1275 * 6;

}  // namespace

void OpusFrameEncoder::Free::operator()(::OpusEncoder* encoder) const {
    opus_encoder_destroy(encoder);
}

OpusFrameEncoder::OpusFrameEncoder(int sample_rate, int channels, int frame_duration_ms)
    : sample_rate_(sample_rate), channels_(channels), frame_duration_ms_(frame_duration_ms) {
    const std::string problem = opus_settings_problem(sample_rate, channels, frame_duration_ms);
    if (!problem.empty() || frame_duration_ms == 0) {
        throw std::invalid_argument("Opus encoder: " +
                                    (problem.empty() ? "frame duration 0 ms" : problem));
    }
    int error = OPUS_OK;
    encoder_.reset(opus_encoder_create(sample_rate, channels, OPUS_APPLICATION_VOIP, &error));
    if (error != OPUS_OK || !encoder_) {
        throw std::runtime_error("Opus encoder: " + opus_error_text(error));
    }
}

OpusFrameEncoder::~OpusFrameEncoder() = default;
OpusFrameEncoder::OpusFrameEncoder(OpusFrameEncoder&&) noexcept = default;
OpusFrameEncoder& OpusFrameEncoder::operator=(OpusFrameEncoder&&) noexcept = default;

void OpusFrameEncoder::encode(std::span<const std::int16_t> frame,
                              std::vector<std::uint8_t>& packet) {
    const std::size_t expected = static_cast<std::size_t>(frame_samples()) * channels_;
    if (frame.size() != expected) {
        throw std::invalid_argument("Opus encoder: frame of " + std::to_string(frame.size()) +
                                    " samples, expected " + std::to_string(expected));
    }
    packet.resize(kMaxPacketBytes);
    const opus_int32 written =
        opus_encode(encoder_.get(), frame.data(), frame_samples(), packet.data(), kMaxPacketBytes);
    if (written < 0) {
        packet.clear();
        throw std::runtime_error("Opus encoder: " + opus_error_text(written));
    }
    packet.resize(static_cast<std::size_t>(written));
}

}  // namespace xiaozhi::audio
