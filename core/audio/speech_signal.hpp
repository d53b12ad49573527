// A deterministic speech-like test signal: voiced syllables grouped in words, with pauses.
#pragma once

#include <cstdint>
#include <vector>

namespace xiaozhi::audio {

// `duration_ms` of mono int16 audio at `sample_rate` that an energy-based voice
// detector and Opus treat like speech: syllables of 120-280 ms (a fundamental of
// 100-220 Hz gliding a little, with harmonics shaped by vowel formants, under a
// raised-cosine envelope), grouped in words of 1-4 syllables separated by pauses
// of 80-300 ms, over a noise floor near -70 dBFS. Peaks stay below -3 dBFS.
// The signal starts with a syllable, and with the envelope's quiet edges no gap
// between voiced parts reaches 600 ms, so a voice detector that waits 600 ms or
// more for silence hears one utterance. The same seed gives the same samples (the
// generator is portable; only the math library's last-bit rounding may differ).
std::vector<std::int16_t> make_speech_signal(int sample_rate, int duration_ms, std::uint32_t seed);

// `duration_ms` of digital silence at `sample_rate`.
std::vector<std::int16_t> make_silence(int sample_rate, int duration_ms);

}  // namespace xiaozhi::audio
