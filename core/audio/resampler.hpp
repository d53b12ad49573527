// Channel down-mixing and linear sample-rate conversion of int16 PCM.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace xiaozhi::audio {

// The mono mix (average of the channels) of interleaved PCM with `channels` channels;
// a copy for mono. A trailing partial frame is dropped.
std::vector<std::int16_t> to_mono(std::span<const std::int16_t> interleaved, int channels);

// Mono PCM converted from `from_rate` to `to_rate` by linear interpolation: output
// sample i is taken at input position i * from_rate / to_rate (exact integer
// arithmetic), and the output has round(size * to_rate / from_rate) samples. There
// is no low-pass filter, so downsampling aliases content above the new Nyquist
// frequency: good enough for test speech, not for music. Rates must be positive.
std::vector<std::int16_t> resample_linear(std::span<const std::int16_t> mono, int from_rate,
                                          int to_rate);

}  // namespace xiaozhi::audio
