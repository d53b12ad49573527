// An Opus encoder for fixed-size PCM frames (RAII around libopus's OpusEncoder).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct OpusEncoder;

namespace xiaozhi::audio {

class OpusFrameEncoder {
  public:
    // An encoder for `channels` interleaved int16 channels at `sample_rate`, in frames
    // of `frame_duration_ms`, tuned for speech (OPUS_APPLICATION_VOIP). Throws
    // std::invalid_argument when opus_settings_problem() names a problem.
    OpusFrameEncoder(int sample_rate, int channels, int frame_duration_ms);
    ~OpusFrameEncoder();
    OpusFrameEncoder(OpusFrameEncoder&&) noexcept;
    OpusFrameEncoder& operator=(OpusFrameEncoder&&) noexcept;

    int sample_rate() const { return sample_rate_; }
    int channels() const { return channels_; }
    int frame_duration_ms() const { return frame_duration_ms_; }
    // Samples per channel in one frame.
    int frame_samples() const { return sample_rate_ * frame_duration_ms_ / 1000; }

    // Encodes one frame of frame_samples() * channels() interleaved samples into
    // `packet` (its contents replaced, its capacity reused). Throws
    // std::invalid_argument for a frame of another size and std::runtime_error if
    // libopus fails.
    void encode(std::span<const std::int16_t> frame, std::vector<std::uint8_t>& packet);

  private:
    struct Free {
        void operator()(::OpusEncoder* encoder) const;
    };
    std::unique_ptr<::OpusEncoder, Free> encoder_;
    int sample_rate_;
    int channels_;
    int frame_duration_ms_;
};

}  // namespace xiaozhi::audio
