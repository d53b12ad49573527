// RIFF/WAVE parsing for 16-bit PCM, and reading a WAV file from disk.
#include "audio/wav_file.hpp"

#include <fstream>
#include <iterator>
#include <string_view>

namespace xiaozhi::audio {

namespace {

constexpr std::uint16_t kFormatPcm = 1;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;

std::uint16_t le16(const std::uint8_t* at) {
    return static_cast<std::uint16_t>(at[0] | (at[1] << 8));
}

std::uint32_t le32(const std::uint8_t* at) {
    return std::uint32_t{le16(at)} | (std::uint32_t{le16(at + 2)} << 16);
}

bool tag_is(const std::uint8_t* at, std::string_view tag) {
    return std::string_view(reinterpret_cast<const char*>(at), 4) == tag;
}

WavReadResult failure(std::string error) {
    return WavReadResult{std::nullopt, std::move(error)};
}

struct Format {
    std::uint16_t tag = 0;
    int channels = 0;
    int sample_rate = 0;
    int bits = 0;
};

// Checks a `fmt ` chunk body; returns "" when it is PCM16 mono or stereo.
std::string read_format(std::span<const std::uint8_t> body, Format& format) {
    if (body.size() < 16) return "the fmt chunk is too short";
    format.tag = le16(body.data());
    format.channels = le16(body.data() + 2);
    format.sample_rate = static_cast<int>(le32(body.data() + 4) & 0x7FFFFFFF);
    format.bits = le16(body.data() + 14);
    if (format.tag == kFormatExtensible) {
        // cbSize, valid bits, channel mask, then the subformat GUID starting with the format code.
        if (body.size() < 40) return "the extensible fmt chunk is too short";
        format.tag = le16(body.data() + 24);
    }
    if (format.tag != kFormatPcm) {
        return "format code " + std::to_string(format.tag) +
               " is not integer PCM (use 16-bit PCM; float and compressed WAV are not supported)";
    }
    if (format.bits != 16) {
        return std::to_string(format.bits) + "-bit samples are not supported (use 16-bit PCM)";
    }
    if (format.channels != 1 && format.channels != 2) {
        return std::to_string(format.channels) + " channels are not supported (use mono or stereo)";
    }
    if (format.sample_rate <= 0) return "the sample rate is 0";
    return "";
}

}  // namespace

WavReadResult parse_wav(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 12 || !tag_is(bytes.data(), "RIFF") || !tag_is(bytes.data() + 8, "WAVE")) {
        return failure("not a WAV file (no RIFF/WAVE header)");
    }
    std::optional<Format> format;
    std::size_t at = 12;
    while (at + 8 <= bytes.size()) {
        const std::uint8_t* header = bytes.data() + at;
        const std::size_t declared = le32(header + 4);
        const std::size_t available = bytes.size() - at - 8;
        const std::span<const std::uint8_t> body =
            bytes.subspan(at + 8, std::min(declared, available));
        if (tag_is(header, "fmt ")) {
            Format parsed;
            if (std::string problem = read_format(body, parsed); !problem.empty()) {
                return failure(std::move(problem));
            }
            format = parsed;
        } else if (tag_is(header, "data")) {
            if (!format) return failure("the data chunk comes before any fmt chunk");
            PcmAudio audio;
            audio.sample_rate = format->sample_rate;
            audio.channels = format->channels;
            const std::size_t frame_bytes = 2 * static_cast<std::size_t>(format->channels);
            const std::size_t count = body.size() / frame_bytes * format->channels;
            audio.samples.resize(count);
            for (std::size_t i = 0; i < count; ++i) {
                audio.samples[i] = static_cast<std::int16_t>(le16(body.data() + 2 * i));
            }
            return WavReadResult{std::move(audio), ""};
        }
        // Chunks are padded to an even length.
        if (declared > available) break;
        at += 8 + declared + (declared & 1);
    }
    return failure(format ? "no data chunk" : "no fmt chunk");
}

WavReadResult read_wav_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return failure(path + ": cannot open the file");
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    if (in.bad()) return failure(path + ": cannot read the file");
    WavReadResult result = parse_wav(bytes);
    if (!result.audio) result.error = path + ": " + result.error;
    return result;
}

}  // namespace xiaozhi::audio
