// Windowed RMS energy against a threshold, with start and hang-over timing.
#include "audio/voice_activity.hpp"

#include <cmath>
#include <stdexcept>

namespace xiaozhi::audio {

VoiceActivityDetector::VoiceActivityDetector(VadSettings settings)
    : settings_(settings),
      window_samples_(settings.sample_rate * settings.window_ms / 1000),
      threshold_mean_square_(32768.0 * 32768.0 * std::pow(10.0, settings.threshold_dbfs / 10)) {
    if (settings.sample_rate <= 0 || window_samples_ <= 0 || settings.min_speech_ms <= 0 ||
        settings.end_silence_ms <= 0) {
        throw std::invalid_argument(
            "voice activity detector: rate, window and durations must be positive");
    }
}

void VoiceActivityDetector::reset() {
    window_energy_ = 0;
    window_fill_ = 0;
    in_speech_ = false;
    voiced_run_ms_ = 0;
    silent_run_ms_ = 0;
    utterance_ms_ = 0;
}

VadEvent VoiceActivityDetector::feed(std::span<const std::int16_t> mono) {
    VadEvent result = VadEvent::none;
    for (std::int16_t sample : mono) {
        window_energy_ += std::int64_t{sample} * sample;
        if (++window_fill_ < window_samples_) continue;
        const VadEvent event = close_window();
        if (event == VadEvent::utterance_ended ||
            (event == VadEvent::speech_started && result == VadEvent::none)) {
            result = event;
        }
    }
    return result;
}

VadEvent VoiceActivityDetector::close_window() {
    const double mean_square = static_cast<double>(window_energy_) / window_fill_;
    const bool voiced = mean_square >= threshold_mean_square_;
    window_energy_ = 0;
    window_fill_ = 0;
    const int step = settings_.window_ms;

    if (!in_speech_) {
        voiced_run_ms_ = voiced ? voiced_run_ms_ + step : 0;
        if (voiced_run_ms_ < settings_.min_speech_ms) return VadEvent::none;
        in_speech_ = true;
        utterance_ms_ = voiced_run_ms_;
        silent_run_ms_ = 0;
        return VadEvent::speech_started;
    }
    if (voiced) {
        utterance_ms_ += silent_run_ms_ + step;
        silent_run_ms_ = 0;
        return VadEvent::none;
    }
    silent_run_ms_ += step;
    if (silent_run_ms_ < settings_.end_silence_ms) return VadEvent::none;
    in_speech_ = false;
    voiced_run_ms_ = 0;
    silent_run_ms_ = 0;
    return VadEvent::utterance_ended;
}

}  // namespace xiaozhi::audio
