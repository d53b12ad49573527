// Down-mixing to mono and linear-interpolation resampling.
#include "audio/resampler.hpp"

#include <stdexcept>

namespace xiaozhi::audio {

std::vector<std::int16_t> to_mono(std::span<const std::int16_t> interleaved, int channels) {
    if (channels <= 0) throw std::invalid_argument("to_mono: channel count must be positive");
    const std::size_t frames = interleaved.size() / static_cast<std::size_t>(channels);
    std::vector<std::int16_t> mono(frames);
    for (std::size_t f = 0; f < frames; ++f) {
        long sum = 0;
        for (int c = 0; c < channels; ++c) sum += interleaved[f * channels + c];
        mono[f] = static_cast<std::int16_t>(sum / channels);
    }
    return mono;
}

std::vector<std::int16_t> resample_linear(std::span<const std::int16_t> mono, int from_rate,
                                          int to_rate) {
    if (from_rate <= 0 || to_rate <= 0) {
        throw std::invalid_argument("resample_linear: sample rates must be positive");
    }
    if (from_rate == to_rate || mono.empty()) return {mono.begin(), mono.end()};
    const auto from = static_cast<std::uint64_t>(from_rate);
    const auto to = static_cast<std::uint64_t>(to_rate);
    const std::uint64_t size = mono.size();
    const std::uint64_t out_size = (size * to + from / 2) / from;
    std::vector<std::int16_t> out(out_size);
    for (std::uint64_t i = 0; i < out_size; ++i) {
        const std::uint64_t position = i * from;  // input position times `to`
        const std::uint64_t index = position / to;
        const std::uint64_t remainder = position % to;
        const std::int64_t a = mono[std::min(index, size - 1)];
        const std::int64_t b = mono[std::min(index + 1, size - 1)];
        // a + (b - a) * remainder / to, rounded to nearest.
        const std::int64_t scaled =
            a * static_cast<std::int64_t>(to) + (b - a) * static_cast<std::int64_t>(remainder);
        const auto half = static_cast<std::int64_t>(to / 2);
        const std::int64_t rounded =
            (scaled >= 0 ? scaled + half : scaled - half) / static_cast<std::int64_t>(to);
        out[i] = static_cast<std::int16_t>(rounded);
    }
    return out;
}

}  // namespace xiaozhi::audio
