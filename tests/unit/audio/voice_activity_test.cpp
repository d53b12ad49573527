// Tests of the energy-based voice-activity detector, on the speech signal and through Opus.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "audio/opus_frame_decoder.hpp"
#include "audio/opus_frame_encoder.hpp"
#include "audio/speech_signal.hpp"
#include "audio/voice_activity.hpp"

using namespace xiaozhi::audio;

namespace {

struct Timeline {
    int started_ms = -1;
    int ended_ms = -1;
    int ends = 0;
};

// Feeds `signal` in 60 ms chunks and records when events happened (end of the chunk).
Timeline run(VoiceActivityDetector& vad, const std::vector<std::int16_t>& signal, int rate) {
    Timeline timeline;
    const std::size_t chunk = static_cast<std::size_t>(rate) * 60 / 1000;
    for (std::size_t at = 0; at < signal.size(); at += chunk) {
        const auto piece = std::span(signal).subspan(at, std::min(chunk, signal.size() - at));
        const VadEvent event = vad.feed(piece);
        const int now_ms = static_cast<int>((at + piece.size()) * 1000 / rate);
        if (event == VadEvent::speech_started && timeline.started_ms < 0) {
            timeline.started_ms = now_ms;
        }
        if (event == VadEvent::utterance_ended) {
            if (timeline.ended_ms < 0) timeline.ended_ms = now_ms;
            ++timeline.ends;
        }
    }
    return timeline;
}

std::vector<std::int16_t> speech_then_silence(int rate, int speech_ms, int silence_ms,
                                              std::uint32_t seed) {
    auto signal = make_speech_signal(rate, speech_ms, seed);
    const auto silence = make_silence(rate, silence_ms);
    signal.insert(signal.end(), silence.begin(), silence.end());
    return signal;
}

}  // namespace

TEST_CASE("the detector finds the end of the generated speech") {
    VoiceActivityDetector vad;  // 16 kHz, -40 dBFS, 700 ms of silence
    const Timeline timeline = run(vad, speech_then_silence(16000, 2000, 1500, 1), 16000);
    CHECK(timeline.started_ms > 0);
    CHECK(timeline.started_ms <= 300);
    CHECK(timeline.ends == 1);
    // The speech's last voiced part ends between 1500 and 2000 ms (a word pause and a
    // syllable's quiet edges are shorter than 500 ms); the end comes 700 ms after it.
    CHECK(timeline.ended_ms >= 2000 - 500 + 700);
    CHECK(timeline.ended_ms <= 2000 + 700 + 60);
    CHECK_FALSE(vad.in_speech());
    CHECK(vad.utterance_ms() > 1000);
    CHECK(vad.utterance_ms() <= 2000);
}

TEST_CASE("no end is declared while the speech goes on") {
    for (std::uint32_t seed = 1; seed <= 5; ++seed) {
        INFO("seed " << seed);
        VoiceActivityDetector vad(VadSettings{16000, 20, -40.0, 60, 600});
        const Timeline timeline = run(vad, make_speech_signal(16000, 8000, seed), 16000);
        CHECK(timeline.started_ms > 0);
        CHECK(timeline.ends == 0);
        CHECK(vad.in_speech());
    }
}

TEST_CASE("silence and a noise floor below the threshold start nothing") {
    VoiceActivityDetector vad;
    CHECK(run(vad, make_silence(16000, 3000), 16000).started_ms < 0);
    std::vector<std::int16_t> hum(16000 * 2);
    for (std::size_t i = 0; i < hum.size(); ++i)
        hum[i] = static_cast<std::int16_t>(i % 2 ? 200 : -200);
    // 200/32768 is -44 dBFS: under -40 nothing starts, under -50 it does.
    CHECK(run(vad, hum, 16000).started_ms < 0);
    VoiceActivityDetector sensitive(VadSettings{16000, 20, -50.0, 60, 700});
    CHECK(run(sensitive, hum, 16000).started_ms > 0);
}

TEST_CASE("a click shorter than min_speech_ms starts nothing") {
    VoiceActivityDetector vad;
    std::vector<std::int16_t> click(16000, 0);
    for (std::size_t i = 0; i < 320; ++i) click[i] = 10000;  // one 20 ms window
    CHECK(run(vad, click, 16000).started_ms < 0);
    for (std::size_t i = 0; i < 960; ++i) click[i] = 10000;  // three windows: 60 ms
    VoiceActivityDetector again;
    CHECK(run(again, click, 16000).started_ms > 0);
}

TEST_CASE("the detector finds the end of speech that went through Opus, at 24 kHz too") {
    for (int rate : {16000, 24000}) {
        INFO("rate " << rate);
        const auto signal = speech_then_silence(rate, 1500, 1200, 4);
        OpusFrameEncoder encoder(rate, 1, 60);
        OpusFrameDecoder decoder(rate, 1);
        VoiceActivityDetector vad(VadSettings{rate, 20, -40.0, 60, 700});
        std::vector<std::uint8_t> packet;
        std::vector<std::int16_t> pcm;
        int ended_ms = -1;
        const auto frame = static_cast<std::size_t>(encoder.frame_samples());
        for (std::size_t at = 0; at + frame <= signal.size(); at += frame) {
            encoder.encode(std::span(signal).subspan(at, frame), packet);
            REQUIRE(decoder.decode(packet, pcm) == static_cast<int>(frame));
            if (vad.feed(pcm) == VadEvent::utterance_ended && ended_ms < 0) {
                ended_ms = static_cast<int>((at + frame) * 1000 / rate);
            }
        }
        CHECK(ended_ms >= 1500 - 500 + 700);
        CHECK(ended_ms <= 1500 + 700 + 120);
    }
}

TEST_CASE("reset forgets a started utterance") {
    VoiceActivityDetector vad;
    vad.feed(make_speech_signal(16000, 500, 2));
    CHECK(vad.in_speech());
    vad.reset();
    CHECK_FALSE(vad.in_speech());
    CHECK(vad.utterance_ms() == 0);
    CHECK(vad.feed(make_silence(16000, 2000)) == VadEvent::none);
}

TEST_CASE("a chunk holding a start and an end reports the end") {
    VoiceActivityDetector vad;
    const auto whole = speech_then_silence(16000, 1000, 1000, 8);
    CHECK(vad.feed(whole) == VadEvent::utterance_ended);
    VoiceActivityDetector fresh;
    CHECK(fresh.feed(make_speech_signal(16000, 300, 8)) == VadEvent::speech_started);
}

TEST_CASE("settings that make no sense are refused") {
    CHECK_THROWS_AS(VoiceActivityDetector(VadSettings{0, 20, -40, 60, 700}), std::invalid_argument);
    CHECK_THROWS_AS(VoiceActivityDetector(VadSettings{16000, 0, -40, 60, 700}),
                    std::invalid_argument);
    CHECK_THROWS_AS(VoiceActivityDetector(VadSettings{16000, 20, -40, 60, 0}),
                    std::invalid_argument);
}
