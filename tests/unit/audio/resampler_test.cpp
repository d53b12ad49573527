// Tests of down-mixing and linear resampling.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "audio/resampler.hpp"

using namespace xiaozhi::audio;

TEST_CASE("to_mono averages the channels of each frame") {
    const std::vector<std::int16_t> stereo = {100, 300, -32768, -32768, 32767, 32767, 1, 2, 9};
    CHECK(to_mono(stereo, 2) == std::vector<std::int16_t>{200, -32768, 32767, 1});
    CHECK(to_mono(stereo, 1) == stereo);
    CHECK_THROWS_AS(to_mono(stereo, 0), std::invalid_argument);
}

TEST_CASE("resample_linear changes the length by the rate ratio") {
    const std::vector<std::int16_t> input(16000, 5);
    CHECK(resample_linear(input, 16000, 24000).size() == 24000);
    CHECK(resample_linear(input, 16000, 8000).size() == 8000);
    CHECK(resample_linear(std::vector<std::int16_t>(44100), 44100, 16000).size() == 16000);
    CHECK(resample_linear(std::vector<std::int16_t>(3), 16000, 48000).size() == 9);
    CHECK(resample_linear({}, 16000, 24000).empty());
    CHECK(resample_linear(input, 16000, 16000) == input);
}

TEST_CASE("resample_linear interpolates between neighbours") {
    // Doubling the rate puts the midpoint between each pair.
    CHECK(resample_linear(std::vector<std::int16_t>{0, 100, 200}, 8000, 16000) ==
          std::vector<std::int16_t>{0, 50, 100, 150, 200, 200});
    // 2:3 upsampling of a ramp stays a ramp (positions 0, 2/3, 4/3, 2, ...).
    CHECK(resample_linear(std::vector<std::int16_t>{0, 300, 600, 900}, 16000, 24000) ==
          std::vector<std::int16_t>{0, 200, 400, 600, 800, 900});
    // Downsampling by 3 picks every third sample.
    CHECK(resample_linear(std::vector<std::int16_t>{1, 2, 3, 4, 5, 6}, 48000, 16000) ==
          std::vector<std::int16_t>{1, 4});
    // Negative values round to nearest too.
    CHECK(resample_linear(std::vector<std::int16_t>{-1, -2}, 8000, 16000) ==
          std::vector<std::int16_t>{-1, -2, -2, -2});
    CHECK_THROWS_AS(resample_linear(std::vector<std::int16_t>{1}, 0, 16000), std::invalid_argument);
}
