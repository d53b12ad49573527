// Synthesis of the speech-like test signal from a seeded, platform-independent generator.
#include "audio/speech_signal.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace xiaozhi::audio {

namespace {

// SplitMix64: small, fast, and the same everywhere (unlike std:: distributions).
class Random {
  public:
    explicit Random(std::uint32_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform in [low, high).
    double uniform(double low, double high) {
        return low + (high - low) * static_cast<double>(next() >> 11) * 0x1.0p-53;
    }

    int integer(int low, int high_inclusive) {
        return low +
               static_cast<int>(next() % static_cast<std::uint64_t>(high_inclusive - low + 1));
    }

  private:
    std::uint64_t state_;
};

struct Vowel {
    double f1;
    double f2;
};

constexpr std::array kVowels = {Vowel{730, 1090}, Vowel{270, 2290}, Vowel{300, 870},
                                Vowel{530, 1840}, Vowel{570, 840}};
constexpr int kHarmonics = 12;
constexpr double kPeak = 0.6 * 32767;   // below -3 dBFS (0.708)
constexpr double kNoiseAmplitude = 18;  // uniform ±18: about -70 dBFS RMS

double formant_gain(double frequency, const Vowel& vowel) {
    const auto resonance = [frequency](double centre, double bandwidth) {
        const double x = (frequency - centre) / bandwidth;
        return 1.0 / (1.0 + x * x);
    };
    return 0.15 + resonance(vowel.f1, 120) + 0.7 * resonance(vowel.f2, 160);
}

// Adds one syllable of `length` samples starting at `start` (clipped to `out`).
void add_syllable(std::vector<double>& out, std::size_t start, std::size_t length, int sample_rate,
                  Random& random) {
    const Vowel& vowel = kVowels[static_cast<std::size_t>(random.integer(0, kVowels.size() - 1))];
    const double f0_begin = random.uniform(100, 220);
    const double f0_end = f0_begin * random.uniform(0.85, 1.15);
    const double loudness = random.uniform(0.5, 1.0);

    std::array<double, kHarmonics> weights{};
    double total = 0;
    for (int k = 1; k <= kHarmonics; ++k) {
        weights[k - 1] = formant_gain(k * f0_begin, vowel) / k;
        total += weights[k - 1];
    }
    std::array<double, kHarmonics> phases{};
    const double nyquist = sample_rate / 2.0;
    const std::size_t end = std::min(out.size(), start + length);
    for (std::size_t i = start; i < end; ++i) {
        const double progress = static_cast<double>(i - start) / static_cast<double>(length);
        const double f0 = f0_begin + (f0_end - f0_begin) * progress;
        const double envelope = std::pow(std::sin(std::numbers::pi * progress), 2);
        double sample = 0;
        for (int k = 1; k <= kHarmonics; ++k) {
            const double frequency = k * f0;
            if (frequency >= 0.9 * nyquist) break;
            phases[k - 1] += 2 * std::numbers::pi * frequency / sample_rate;
            sample += weights[k - 1] / total * std::sin(phases[k - 1]);
        }
        out[i] += kPeak * loudness * envelope * sample;
    }
}

std::size_t samples_for(int sample_rate, double milliseconds) {
    return static_cast<std::size_t>(sample_rate * milliseconds / 1000.0);
}

}  // namespace

std::vector<std::int16_t> make_speech_signal(int sample_rate, int duration_ms, std::uint32_t seed) {
    const std::size_t total = samples_for(sample_rate, std::max(duration_ms, 0));
    std::vector<double> mix(total, 0.0);
    Random random(seed);
    std::size_t cursor = 0;
    while (cursor < total) {
        const int syllables = random.integer(1, 4);
        for (int s = 0; s < syllables && cursor < total; ++s) {
            const std::size_t length = samples_for(sample_rate, random.uniform(120, 280));
            add_syllable(mix, cursor, length, sample_rate, random);
            cursor += length;
        }
        cursor += samples_for(sample_rate, random.uniform(80, 300));
    }
    std::vector<std::int16_t> samples(total);
    for (std::size_t i = 0; i < total; ++i) {
        const double noisy = mix[i] + random.uniform(-kNoiseAmplitude, kNoiseAmplitude);
        samples[i] = static_cast<std::int16_t>(std::lround(std::clamp(noisy, -32768.0, 32767.0)));
    }
    return samples;
}

std::vector<std::int16_t> make_silence(int sample_rate, int duration_ms) {
    return std::vector<std::int16_t>(samples_for(sample_rate, std::max(duration_ms, 0)), 0);
}

}  // namespace xiaozhi::audio
