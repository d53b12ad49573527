// Tests of the speech-like test signal: length, level, determinism, and word pauses.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "audio/speech_signal.hpp"

using namespace xiaozhi::audio;

namespace {

// RMS level in dBFS of each `window` samples.
std::vector<double> window_levels(const std::vector<std::int16_t>& signal, std::size_t window) {
    std::vector<double> levels;
    for (std::size_t at = 0; at + window <= signal.size(); at += window) {
        double sum = 0;
        for (std::size_t i = at; i < at + window; ++i)
            sum += static_cast<double>(signal[i]) * signal[i];
        levels.push_back(10 * std::log10(sum / window / (32768.0 * 32768.0) + 1e-20));
    }
    return levels;
}

}  // namespace

TEST_CASE("the speech signal has the asked length at any rate") {
    CHECK(make_speech_signal(16000, 2000, 1).size() == 32000);
    CHECK(make_speech_signal(24000, 60, 1).size() == 1440);
    CHECK(make_speech_signal(8000, 0, 1).empty());
    CHECK(make_silence(16000, 700).size() == 11200);
}

TEST_CASE("the same seed gives the same signal, another seed another") {
    CHECK(make_speech_signal(16000, 1000, 42) == make_speech_signal(16000, 1000, 42));
    CHECK(make_speech_signal(16000, 1000, 42) != make_speech_signal(16000, 1000, 43));
}

TEST_CASE("the speech signal is loud in syllables, quiet in pauses, and never clips") {
    const auto signal = make_speech_signal(16000, 5000, 9);
    const auto peak = std::abs(*std::max_element(signal.begin(), signal.end(), [](auto a, auto b) {
        return std::abs(int{a}) < std::abs(int{b});
    }));
    CHECK(peak < 0.708 * 32768);
    CHECK(peak > 0.1 * 32768);

    const auto levels = window_levels(signal, 320);  // 20 ms
    const auto loud = std::count_if(levels.begin(), levels.end(), [](double l) { return l > -30; });
    const auto quiet =
        std::count_if(levels.begin(), levels.end(), [](double l) { return l < -60; });
    CHECK(loud > static_cast<long>(levels.size()) / 4);                   // mostly speech
    CHECK(quiet > 5);                                                     // with real pauses
    CHECK(*std::max_element(levels.begin(), levels.begin() + 10) > -30);  // speech within 200 ms
    CHECK(*std::min_element(levels.begin(), levels.end()) > -80);  // a noise floor, not zeros
}

TEST_CASE("silence is all zeros") {
    const auto silence = make_silence(24000, 100);
    CHECK(std::all_of(silence.begin(), silence.end(), [](std::int16_t s) { return s == 0; }));
}
