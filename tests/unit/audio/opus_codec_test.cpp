// Tests of the Opus encoder and decoder wrappers and the packet duration helpers.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "audio/opus_frame_decoder.hpp"
#include "audio/opus_frame_encoder.hpp"
#include "audio/opus_packet.hpp"
#include "audio/speech_signal.hpp"

using namespace xiaozhi::audio;

namespace {

double rms(std::span<const std::int16_t> samples) {
    double sum = 0;
    for (std::int16_t s : samples) sum += static_cast<double>(s) * s;
    return samples.empty() ? 0 : std::sqrt(sum / samples.size());
}

// Encodes `signal` in frames of the encoder's size and returns the packets.
std::vector<std::vector<std::uint8_t>> encode_all(OpusFrameEncoder& encoder,
                                                  const std::vector<std::int16_t>& signal) {
    std::vector<std::vector<std::uint8_t>> packets;
    std::vector<std::uint8_t> packet;
    const auto frame = static_cast<std::size_t>(encoder.frame_samples());
    for (std::size_t at = 0; at + frame <= signal.size(); at += frame) {
        encoder.encode(std::span(signal).subspan(at, frame), packet);
        packets.push_back(packet);
    }
    return packets;
}

}  // namespace

TEST_CASE("60 ms frames of speech at 16 kHz decode to 960 samples each") {
    const auto signal = make_speech_signal(16000, 1200, 7);
    OpusFrameEncoder encoder(16000, 1, 60);
    CHECK(encoder.frame_samples() == 960);
    const auto packets = encode_all(encoder, signal);
    REQUIRE(packets.size() == 20);

    OpusFrameDecoder decoder(16000, 1);
    std::vector<std::int16_t> pcm;
    std::vector<std::int16_t> decoded;
    for (const auto& packet : packets) {
        CHECK(packet.size() > 2);
        CHECK(packet.size() < 400);
        CHECK(opus_packet_samples(packet, 16000) == 960);
        CHECK(opus_packet_duration_ms(packet) == 60);
        REQUIRE(decoder.decode(packet, pcm) == 960);
        CHECK(pcm.size() == 960);
        decoded.insert(decoded.end(), pcm.begin(), pcm.end());
    }
    // The decoded audio carries the signal's energy (Opus changes the waveform, not the level).
    const double ratio = rms(decoded) / rms(signal);
    CHECK(ratio > 0.7);
    CHECK(ratio < 1.3);
}

TEST_CASE("60 ms frames at 24 kHz decode to 1440 samples each") {
    const auto signal = make_speech_signal(24000, 600, 3);
    OpusFrameEncoder encoder(24000, 1, 60);
    const auto packets = encode_all(encoder, signal);
    REQUIRE(packets.size() == 10);
    OpusFrameDecoder decoder(24000, 1);
    std::vector<std::int16_t> pcm;
    for (const auto& packet : packets) {
        CHECK(decoder.decode(packet, pcm) == 1440);
        CHECK(pcm.size() == 1440);
    }
}

TEST_CASE("a packet encoded at 16 kHz decodes at 24 kHz to 1440 samples") {
    const auto signal = make_speech_signal(16000, 60, 11);
    OpusFrameEncoder encoder(16000, 1, 60);
    std::vector<std::uint8_t> packet;
    encoder.encode(signal, packet);
    CHECK(opus_packet_samples(packet, 24000) == 1440);
    OpusFrameDecoder decoder(24000, 1);
    std::vector<std::int16_t> pcm;
    CHECK(decoder.decode(packet, pcm) == 1440);
    CHECK(pcm.size() == 1440);
}

TEST_CASE("stereo frames are interleaved") {
    OpusFrameEncoder encoder(48000, 2, 20);
    std::vector<std::int16_t> frame(960 * 2, 0);
    std::vector<std::uint8_t> packet;
    encoder.encode(frame, packet);
    OpusFrameDecoder decoder(48000, 2);
    std::vector<std::int16_t> pcm;
    CHECK(decoder.decode(packet, pcm) == 960);
    CHECK(pcm.size() == 1920);
}

TEST_CASE("encode reuses the packet buffer") {
    OpusFrameEncoder encoder(16000, 1, 60);
    const auto signal = make_speech_signal(16000, 600, 5);
    std::vector<std::uint8_t> packet;
    packet.reserve(8000);
    const std::uint8_t* storage = packet.data();
    for (std::size_t at = 0; at + 960 <= signal.size(); at += 960) {
        encoder.encode(std::span(signal).subspan(at, 960), packet);
    }
    CHECK(packet.data() == storage);
}

TEST_CASE("a frame of the wrong size is refused") {
    OpusFrameEncoder encoder(16000, 1, 60);
    std::vector<std::uint8_t> packet;
    CHECK_THROWS_AS(encoder.encode(std::vector<std::int16_t>(959), packet), std::invalid_argument);
    CHECK_NOTHROW(encoder.encode(std::vector<std::int16_t>(960), packet));
}

TEST_CASE("unsupported settings are refused with the reason") {
    CHECK(opus_settings_problem(16000, 1, 60).empty());
    CHECK(opus_settings_problem(44100, 1, 60) ==
          "sample rate 44100 Hz is not one of 8000, 12000, 16000, 24000, 48000");
    CHECK(opus_settings_problem(16000, 3, 60) == "channel count 3 is not 1 or 2");
    CHECK(opus_settings_problem(16000, 1, 30) ==
          "frame duration 30 ms is not one of 10, 20, 40, 60, 80, 100, 120");
    CHECK_THROWS_AS(OpusFrameEncoder(44100, 1, 60), std::invalid_argument);
    CHECK_THROWS_AS(OpusFrameEncoder(16000, 1, 0), std::invalid_argument);
    CHECK_THROWS_AS(OpusFrameDecoder(22050, 1), std::invalid_argument);
}

TEST_CASE("a corrupt packet is an error code, not a crash") {
    OpusFrameDecoder decoder(16000, 1);
    std::vector<std::int16_t> pcm(5);
    // TOC byte 0xFF: code 3 (arbitrary frame count) with no frame-count byte.
    const std::vector<std::uint8_t> corrupt = {0xFF};
    const int result = decoder.decode(corrupt, pcm);
    CHECK(result < 0);
    CHECK(pcm.empty());
    CHECK_FALSE(opus_error_text(result).empty());
    CHECK(opus_packet_samples({}, 16000) < 0);
    CHECK(opus_packet_duration_ms({}) < 0);
}

TEST_CASE("an empty packet asks for 20 ms of concealment") {
    OpusFrameDecoder decoder(16000, 1);
    std::vector<std::int16_t> pcm;
    CHECK(decoder.decode({}, pcm) == 320);
    CHECK(pcm.size() == 320);
}

TEST_CASE("encoders and decoders move") {
    OpusFrameEncoder encoder(16000, 1, 20);
    OpusFrameEncoder moved = std::move(encoder);
    std::vector<std::uint8_t> packet;
    moved.encode(std::vector<std::int16_t>(320), packet);
    OpusFrameDecoder decoder(16000, 1);
    OpusFrameDecoder other(24000, 1);
    other = std::move(decoder);
    std::vector<std::int16_t> pcm;
    CHECK(other.decode(packet, pcm) == 320);
    CHECK(other.sample_rate() == 16000);
}
