// Tests of the WAV reader on files the test writes byte by byte.
#include <catch2/catch.hpp>

#include <string>

#include "audio/wav_file.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi::audio;

namespace {

void put16(std::string& out, unsigned value) {
    out += static_cast<char>(value & 0xFF);
    out += static_cast<char>((value >> 8) & 0xFF);
}

void put32(std::string& out, std::uint32_t value) {
    put16(out, value & 0xFFFF);
    put16(out, value >> 16);
}

void chunk(std::string& out, const char* tag, const std::string& body) {
    out += tag;
    put32(out, static_cast<std::uint32_t>(body.size()));
    out += body;
    if (body.size() % 2) out += '\0';
}

std::string fmt_body(unsigned format, unsigned channels, std::uint32_t rate, unsigned bits) {
    std::string body;
    put16(body, format);
    put16(body, channels);
    put32(body, rate);
    put32(body, rate * channels * bits / 8);
    put16(body, channels * bits / 8);
    put16(body, bits);
    return body;
}

std::string samples_body(const std::vector<std::int16_t>& samples) {
    std::string body;
    for (std::int16_t s : samples) put16(body, static_cast<std::uint16_t>(s));
    return body;
}

std::string riff(const std::string& chunks) {
    std::string out = "RIFF";
    put32(out, static_cast<std::uint32_t>(4 + chunks.size()));
    return out + "WAVE" + chunks;
}

WavReadResult parse(const std::string& image) {
    return parse_wav(std::span(reinterpret_cast<const std::uint8_t*>(image.data()), image.size()));
}

std::string error_of(const std::string& image) {
    const WavReadResult result = parse(image);
    CHECK_FALSE(result.audio);
    return result.error;
}

}  // namespace

TEST_CASE("a mono 16-bit WAV file written by the test is read back") {
    xiaozhi::test::TempDir dir;
    const std::vector<std::int16_t> samples = {0, 1, -1, 32767, -32768, 1234};
    std::string chunks;
    chunk(chunks, "fmt ", fmt_body(1, 1, 16000, 16));
    chunk(chunks, "data", samples_body(samples));
    const std::string path = dir.write("speech.wav", riff(chunks));

    const WavReadResult result = read_wav_file(path);
    REQUIRE(result.audio);
    CHECK(result.error.empty());
    CHECK(result.audio->sample_rate == 16000);
    CHECK(result.audio->channels == 1);
    CHECK(result.audio->samples == samples);
    CHECK(result.audio->frames() == 6);
}

TEST_CASE("stereo, any rate, extra chunks with odd sizes, and extensible PCM are read") {
    std::string chunks;
    chunk(chunks, "LIST", "abc");  // odd size: padded
    chunk(chunks, "fmt ", fmt_body(1, 2, 44100, 16));
    chunk(chunks, "fact", "1234");
    chunk(chunks, "data", samples_body({1, 2, 3, 4}));
    WavReadResult result = parse(riff(chunks));
    REQUIRE(result.audio);
    CHECK(result.audio->sample_rate == 44100);
    CHECK(result.audio->channels == 2);
    CHECK(result.audio->frames() == 2);

    std::string extensible = fmt_body(0xFFFE, 1, 22050, 16);
    put16(extensible, 22);   // cbSize
    put16(extensible, 16);   // valid bits
    put32(extensible, 0x4);  // channel mask
    put16(extensible, 1);    // subformat GUID starts with the PCM format code
    extensible += std::string("\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 14);
    chunks.clear();
    chunk(chunks, "fmt ", extensible);
    chunk(chunks, "data", samples_body({7, 8}));
    result = parse(riff(chunks));
    REQUIRE(result.audio);
    CHECK(result.audio->sample_rate == 22050);
    CHECK(result.audio->samples == std::vector<std::int16_t>{7, 8});
}

TEST_CASE("a data size larger than the file, as streaming writers leave it, is cut") {
    std::string chunks;
    chunk(chunks, "fmt ", fmt_body(1, 1, 16000, 16));
    chunks += "data";
    put32(chunks, 0xFFFFFFFF);
    chunks += samples_body({5, 6, 7});
    chunks += '\x01';  // half a sample: dropped
    const WavReadResult result = parse(riff(chunks));
    REQUIRE(result.audio);
    CHECK(result.audio->samples == std::vector<std::int16_t>{5, 6, 7});
}

TEST_CASE("files that are not 16-bit PCM mono or stereo get a clear error") {
    const auto with_format = [](unsigned format, unsigned channels, unsigned bits) {
        std::string chunks;
        chunk(chunks, "fmt ", fmt_body(format, channels, 16000, bits));
        chunk(chunks, "data", std::string(12, '\0'));
        return riff(chunks);
    };
    CHECK(error_of(with_format(1, 1, 24)) == "24-bit samples are not supported (use 16-bit PCM)");
    CHECK(error_of(with_format(1, 1, 8)) == "8-bit samples are not supported (use 16-bit PCM)");
    CHECK(error_of(with_format(3, 1, 32)) ==
          "format code 3 is not integer PCM (use 16-bit PCM; float and compressed WAV are not "
          "supported)");
    CHECK(error_of(with_format(1, 3, 16)) == "3 channels are not supported (use mono or stereo)");
    CHECK(error_of(with_format(1, 0, 16)) == "0 channels are not supported (use mono or stereo)");
    CHECK(error_of("") == "not a WAV file (no RIFF/WAVE header)");
    CHECK(error_of(std::string("RIFF\x04\x00\x00\x00WAVX", 12)) ==
          "not a WAV file (no RIFF/WAVE header)");
    CHECK(error_of("ID3\x03 this is an mp3") == "not a WAV file (no RIFF/WAVE header)");

    std::string no_data;
    chunk(no_data, "fmt ", fmt_body(1, 1, 16000, 16));
    CHECK(error_of(riff(no_data)) == "no data chunk");
    CHECK(error_of(riff("")) == "no fmt chunk");
    std::string data_first;
    chunk(data_first, "data", "12");
    chunk(data_first, "fmt ", fmt_body(1, 1, 16000, 16));
    CHECK(error_of(riff(data_first)) == "the data chunk comes before any fmt chunk");
    std::string short_fmt;
    chunk(short_fmt, "fmt ", "1234");
    CHECK(error_of(riff(short_fmt)) == "the fmt chunk is too short");
}

TEST_CASE("a missing file is an error naming it") {
    const WavReadResult result = read_wav_file("/nonexistent/dir/x.wav");
    CHECK_FALSE(result.audio);
    CHECK(result.error == "/nonexistent/dir/x.wav: cannot open the file");
}
