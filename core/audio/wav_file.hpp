// Reading PCM16 WAV files (mono or stereo, any rate) into interleaved samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace xiaozhi::audio {

// Interleaved 16-bit PCM.
struct PcmAudio {
    int sample_rate = 0;
    int channels = 0;
    std::vector<std::int16_t> samples;  // frames() * channels values

    std::size_t frames() const { return channels > 0 ? samples.size() / channels : 0; }
};

// The audio of a WAV file, or why it cannot be used.
struct WavReadResult {
    std::optional<PcmAudio> audio;
    std::string error;  // e.g. "24-bit samples are not supported (use 16-bit PCM)"
};

// Parses a RIFF/WAVE image: format 1 (PCM) or WAVE_FORMAT_EXTENSIBLE with the PCM
// subformat, 16 bits per sample, 1 or 2 channels, any sample rate. Chunks other than
// `fmt ` and `data` are skipped. A `data` size larger than the bytes present (as
// streaming writers leave it) is cut to what is there. Never throws.
WavReadResult parse_wav(std::span<const std::uint8_t> bytes);

// Reads and parses the file at `path`; errors name the file.
WavReadResult read_wav_file(const std::string& path);

}  // namespace xiaozhi::audio
