// RAII wrapper of libopus's decoder.
#include "audio/opus_frame_decoder.hpp"

#include <opus/opus.h>

#include <stdexcept>
#include <string>

#include "audio/opus_packet.hpp"

namespace xiaozhi::audio {

void OpusFrameDecoder::Free::operator()(::OpusDecoder* decoder) const {
    opus_decoder_destroy(decoder);
}

OpusFrameDecoder::OpusFrameDecoder(int sample_rate, int channels)
    : sample_rate_(sample_rate), channels_(channels) {
    const std::string problem = opus_settings_problem(sample_rate, channels, 0);
    if (!problem.empty()) throw std::invalid_argument("Opus decoder: " + problem);
    int error = OPUS_OK;
    decoder_.reset(opus_decoder_create(sample_rate, channels, &error));
    if (error != OPUS_OK || !decoder_) {
        throw std::runtime_error("Opus decoder: " + opus_error_text(error));
    }
}

OpusFrameDecoder::~OpusFrameDecoder() = default;
OpusFrameDecoder::OpusFrameDecoder(OpusFrameDecoder&&) noexcept = default;
OpusFrameDecoder& OpusFrameDecoder::operator=(OpusFrameDecoder&&) noexcept = default;

int OpusFrameDecoder::decode(std::span<const std::uint8_t> packet, std::vector<std::int16_t>& pcm) {
    // 120 ms at the decoder's rate is the most one packet holds.
    const int max_samples = sample_rate_ * 120 / 1000;
    // Packet-loss concealment of 20 ms asks for exactly that many samples.
    const int wanted = packet.empty() ? sample_rate_ / 50 : max_samples;
    pcm.resize(static_cast<std::size_t>(max_samples) * channels_);
    const int samples = opus_decode(decoder_.get(), packet.empty() ? nullptr : packet.data(),
                                    static_cast<opus_int32>(packet.size()), pcm.data(), wanted, 0);
    pcm.resize(samples < 0 ? 0 : static_cast<std::size_t>(samples) * channels_);
    return samples;
}

}  // namespace xiaozhi::audio
