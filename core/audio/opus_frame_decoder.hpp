// An Opus decoder to int16 PCM at a chosen rate (RAII around libopus's OpusDecoder).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct OpusDecoder;

namespace xiaozhi::audio {

class OpusFrameDecoder {
  public:
    // A decoder producing `channels` interleaved channels at `sample_rate`. Any
    // Opus packet decodes at any supported rate, whatever rate it was encoded at.
    // Throws std::invalid_argument when opus_settings_problem() names a problem.
    OpusFrameDecoder(int sample_rate, int channels);
    ~OpusFrameDecoder();
    OpusFrameDecoder(OpusFrameDecoder&&) noexcept;
    OpusFrameDecoder& operator=(OpusFrameDecoder&&) noexcept;

    int sample_rate() const { return sample_rate_; }
    int channels() const { return channels_; }

    // Decodes one packet into `pcm` (contents replaced, capacity reused) and
    // returns the samples per channel, or a negative libopus error code
    // (opus_error_text) for a corrupt packet, leaving `pcm` empty. An empty packet
    // asks for packet-loss concealment of one 20 ms frame.
    int decode(std::span<const std::uint8_t> packet, std::vector<std::int16_t>& pcm);

  private:
    struct Free {
        void operator()(::OpusDecoder* decoder) const;
    };
    std::unique_ptr<::OpusDecoder, Free> decoder_;
    int sample_rate_;
    int channels_;
};

}  // namespace xiaozhi::audio
