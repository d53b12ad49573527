// Tests of the echo conversation backend on real Opus: turn modes, silence detection, transcoding.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "audio/opus_frame_decoder.hpp"
#include "audio/opus_frame_encoder.hpp"
#include "audio/speech_signal.hpp"
#include "echo_backend.hpp"

using namespace xiaozhi::server;
using xiaozhi::protocol::ListenMode;
namespace audio = xiaozhi::audio;

namespace {

using Packets = std::vector<std::vector<std::uint8_t>>;

// The device's uplink: `pcm` at 16 kHz encoded in 60 ms Opus packets.
Packets encode_uplink(const std::vector<std::int16_t>& pcm) {
    audio::OpusFrameEncoder encoder(16000, 1, 60);
    const std::size_t frame = static_cast<std::size_t>(encoder.frame_samples());
    Packets packets;
    for (std::size_t at = 0; at + frame <= pcm.size(); at += frame) {
        packets.emplace_back();
        encoder.encode(std::span(pcm).subspan(at, frame), packets.back());
    }
    return packets;
}

Packets speech_then_silence(int speech_ms, int silence_ms) {
    auto pcm = audio::make_speech_signal(16000, speech_ms, 7);
    const auto silence = audio::make_silence(16000, silence_ms);
    pcm.insert(pcm.end(), silence.begin(), silence.end());
    return encode_uplink(pcm);
}

EchoSettings echo_settings(bool transcode = false) {
    EchoSettings settings;
    settings.downlink = xiaozhi::protocol::default_server_audio_params();
    settings.transcode = transcode;
    return settings;
}

// Feeds packets until the backend replies; returns the reply and how many packets it took.
std::pair<std::shared_ptr<const Reply>, std::size_t> feed_until_reply(EchoBackend& backend,
                                                                      const Packets& packets) {
    for (std::size_t i = 0; i < packets.size(); ++i) {
        if (auto reply = backend.audio(packets[i])) return {reply, i + 1};
    }
    return {nullptr, packets.size()};
}

}  // namespace

TEST_CASE("auto mode ends the utterance on the silent tail", "[echo]") {
    EchoBackend backend(echo_settings());
    const Packets packets = speech_then_silence(2000, 1500);  // 58 packets
    backend.listen_start(ListenMode::auto_stop);
    CHECK(backend.in_turn());
    const auto [reply, fed] = feed_until_reply(backend, packets);
    REQUIRE(reply);
    // The end comes 700 ms of silence after the last voiced part (1.5-2.0 s).
    CHECK(fed * 60 >= 2000 - 500 + 700);
    CHECK(fed * 60 <= 2000 + 700 + 120);
    REQUIRE(reply->packets.size() == fed);
    for (std::size_t i = 0; i < fed; ++i) {
        CHECK(reply->packets[i].opus == packets[i]);
        CHECK(reply->packets[i].start_ms == static_cast<int>(i) * 60);
    }
    CHECK(reply->duration_ms == static_cast<int>(fed) * 60);
    CHECK(reply->stt_text ==
          fmt::format("heard {:.1f} s of audio in {} frames", reply->duration_ms / 1000.0, fed));
    // The turn is over: what follows is ignored until the next listen start.
    CHECK_FALSE(backend.in_turn());
    CHECK_FALSE(backend.audio(packets.back()));
    CHECK_FALSE(backend.end_of_utterance());
}

TEST_CASE("auto mode keeps listening while the speech goes on", "[echo]") {
    EchoBackend backend(echo_settings());
    const Packets packets = encode_uplink(audio::make_speech_signal(16000, 3000, 3));
    backend.listen_start(ListenMode::auto_stop);
    CHECK_FALSE(feed_until_reply(backend, packets).first);
    CHECK(backend.in_turn());
    const auto reply = backend.end_of_utterance();
    REQUIRE(reply);
    CHECK(reply->packets.size() == packets.size());
}

TEST_CASE("manual mode waits for listen stop however long the silence", "[echo]") {
    EchoBackend backend(echo_settings());
    const Packets packets = speech_then_silence(1200, 3000);
    backend.listen_start(ListenMode::manual_stop);
    CHECK_FALSE(feed_until_reply(backend, packets).first);
    const auto reply = backend.end_of_utterance();
    REQUIRE(reply);
    CHECK(reply->packets.size() == packets.size());
    CHECK(reply->stt_text == "heard 4.2 s of audio in 70 frames");
    CHECK_FALSE(backend.in_turn());
}

TEST_CASE("realtime mode replies per utterance and keeps the turn open", "[echo]") {
    EchoBackend backend(echo_settings());
    const Packets first = speech_then_silence(1500, 1200);
    const Packets second = speech_then_silence(1000, 1200);
    backend.listen_start(ListenMode::realtime);
    const auto one = feed_until_reply(backend, first);
    REQUIRE(one.first);
    CHECK(backend.in_turn());
    // The rest of the first silence and the second utterance.
    Packets rest(first.begin() + static_cast<std::ptrdiff_t>(one.second), first.end());
    rest.insert(rest.end(), second.begin(), second.end());
    const auto two = feed_until_reply(backend, rest);
    REQUIRE(two.first);
    CHECK(two.first->packets.size() == two.second);
    CHECK(backend.in_turn());
}

TEST_CASE("nothing to say without a turn or without audio", "[echo]") {
    EchoBackend backend(echo_settings());
    const Packets packets = speech_then_silence(600, 0);
    CHECK_FALSE(backend.audio(packets[0]));
    CHECK_FALSE(backend.end_of_utterance());
    backend.listen_start(ListenMode::manual_stop);
    CHECK_FALSE(backend.end_of_utterance());
    CHECK_FALSE(backend.in_turn());
}

TEST_CASE("abort drops what the turn collected so far", "[echo]") {
    EchoBackend backend(echo_settings());
    const Packets packets = speech_then_silence(600, 0);  // 10 packets
    backend.listen_start(ListenMode::manual_stop);
    for (std::size_t i = 0; i < 6; ++i) backend.audio(packets[i]);
    backend.abort();
    for (std::size_t i = 6; i < packets.size(); ++i) backend.audio(packets[i]);
    const auto reply = backend.end_of_utterance();
    REQUIRE(reply);
    REQUIRE(reply->packets.size() == 4);
    CHECK(reply->packets[0].opus == packets[6]);
    CHECK(reply->packets[0].start_ms == 0);
}

TEST_CASE("a turn reaching the length limit ends by itself", "[echo]") {
    EchoSettings settings = echo_settings();
    settings.max_turn_time = std::chrono::milliseconds(600);
    EchoBackend backend(settings);
    const Packets packets = speech_then_silence(1200, 0);
    backend.listen_start(ListenMode::manual_stop);
    const auto [reply, fed] = feed_until_reply(backend, packets);
    REQUIRE(reply);
    CHECK(fed == 10);
    CHECK(std::string(reply->ended_by) == "max_turn_seconds");
}

TEST_CASE("a turn ends when its packets would pass the byte budget", "[echo]") {
    EchoSettings settings = echo_settings();
    settings.max_turn_bytes = 64 * 1024;
    EchoBackend backend(settings);
    // 4 KiB packets whose TOC says 2.5 ms (CELT-only, config 16, one frame): they would
    // take 24,000 packets (96 MB) to reach 60 s of audio.
    std::vector<std::uint8_t> packet(4096, 0x55);
    packet[0] = 16 << 3;
    backend.listen_start(ListenMode::manual_stop);
    std::shared_ptr<const Reply> reply;
    std::size_t fed = 0;
    while (!reply && fed < 1000) {
        CHECK(backend.kept_bytes() <= settings.max_turn_bytes);
        reply = backend.audio(packet);
        ++fed;
    }
    REQUIRE(reply);
    CHECK(std::string(reply->ended_by) == "max_turn_bytes");
    CHECK(reply->packets.size() < 16);
    CHECK(reply->packets.size() * packet.size() <= settings.max_turn_bytes);
    CHECK(reply->packets[1].start_ms == 2);  // 2.5 ms from the TOC, in whole ms
    CHECK(backend.kept_bytes() == 0);
    // Manual mode: the turn is over, later packets are not kept.
    CHECK_FALSE(backend.audio(packet));
    CHECK(backend.kept_bytes() == 0);
}

TEST_CASE("a turn ends on the arrival clock however short its packets claim to be", "[echo]") {
    auto now = std::chrono::steady_clock::time_point{};
    EchoSettings settings = echo_settings();
    settings.max_turn_time = std::chrono::seconds(5);
    settings.clock = [&now] { return now; };
    EchoBackend backend(settings);
    std::vector<std::uint8_t> packet(40, 0x11);
    packet[0] = 16 << 3;  // 2.5 ms
    backend.listen_start(ListenMode::manual_stop);
    for (int i = 0; i < 10; ++i) {
        REQUIRE_FALSE(backend.audio(packet));
        now += std::chrono::milliseconds(400);
    }
    now += std::chrono::seconds(2);
    const auto reply = backend.audio(packet);
    REQUIRE(reply);
    CHECK(std::string(reply->ended_by) == "max_turn_seconds");
    CHECK(reply->packets.size() == 11);
}

TEST_CASE("packets that are not Opus are not kept", "[echo]") {
    EchoBackend backend(echo_settings());
    backend.listen_start(ListenMode::manual_stop);
    const std::vector<std::uint8_t> garbage(300, 0xFF);
    CHECK_FALSE(backend.audio(garbage));
    CHECK_FALSE(backend.audio(garbage));
    CHECK(backend.kept_bytes() == 0);
    CHECK_FALSE(backend.end_of_utterance());
    const Packets packets = speech_then_silence(120, 0);
    backend.listen_start(ListenMode::manual_stop);
    CHECK_FALSE(backend.audio(garbage));
    CHECK_FALSE(backend.audio(packets[0]));
    const auto reply = backend.end_of_utterance();
    REQUIRE(reply);
    CHECK(reply->packets.size() == 1);
    CHECK(reply->duration_ms == 60);
    CHECK(std::string(reply->ended_by) == "listen_stop");
}

TEST_CASE("transcoding re-encodes at the downlink rate and frame duration", "[echo]") {
    const Packets packets = speech_then_silence(1000, 200);  // 20 packets, 1.2 s
    for (const int frame_ms : {60, 20}) {
        INFO("downlink frame " << frame_ms << " ms");
        EchoSettings settings = echo_settings(true);
        settings.downlink.frame_duration = frame_ms;
        EchoBackend backend(settings);
        backend.listen_start(ListenMode::manual_stop);
        for (const auto& packet : packets) backend.audio(packet);
        const auto reply = backend.end_of_utterance();
        REQUIRE(reply);
        const std::size_t expected = static_cast<std::size_t>(1200 / frame_ms);
        REQUIRE(reply->packets.size() == expected);
        CHECK(reply->duration_ms == 1200);
        CHECK(reply->packets.back().start_ms == 1200 - frame_ms);
        audio::OpusFrameDecoder decoder(24000, 1);
        std::vector<std::int16_t> pcm;
        std::size_t samples = 0;
        for (const auto& packet : reply->packets) {
            REQUIRE(decoder.decode(packet.opus, pcm) == 24000 * frame_ms / 1000);
            samples += pcm.size();
        }
        CHECK(samples == 24000 * 1200 / 1000);
        if (frame_ms == 60) CHECK(reply->packets[0].opus != packets[0]);
    }
}

TEST_CASE("transcoding with parameters Opus cannot use fails at construction", "[echo]") {
    EchoSettings settings = echo_settings(true);
    settings.downlink.sample_rate = 44100;
    CHECK_THROWS_AS(EchoBackend(settings), std::invalid_argument);
    settings.transcode = false;
    CHECK_NOTHROW(EchoBackend(settings));
}
