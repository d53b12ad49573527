// An energy-based voice-activity detector that decides when an utterance has ended.
#pragma once

#include <cstdint>
#include <span>

namespace xiaozhi::audio {

struct VadSettings {
    int sample_rate = 16000;
    int window_ms = 20;             // energy is measured over windows of this length
    double threshold_dbfs = -40.0;  // a window whose RMS level reaches this is voiced
    int min_speech_ms = 60;         // voiced time in a row that starts an utterance
    int end_silence_ms = 700;       // unvoiced time after speech that ends it
};

// What a call to feed() observed.
enum class VadEvent { none, speech_started, utterance_ended };

// Decides, from decoded mono PCM fed in chunks of any size (e.g. one 60 ms Opus
// frame at a time), when the user started speaking and when an utterance ended:
// `end_silence_ms` of unvoiced audio after at least `min_speech_ms` of voiced audio.
// This is the server's end-of-turn decision in `auto` and `realtime` listen modes.
// No allocation after construction.
class VoiceActivityDetector {
  public:
    // Throws std::invalid_argument for a non-positive rate or durations.
    explicit VoiceActivityDetector(VadSettings settings = {});

    // Consumes a chunk. Returns utterance_ended if an utterance ended in it (it
    // wins over a start in the same chunk), else speech_started if one began, else none.
    VadEvent feed(std::span<const std::int16_t> mono);

    // Whether an utterance is in progress (started and not yet ended).
    bool in_speech() const { return in_speech_; }

    // Milliseconds from the start of the current (or just ended) utterance to its
    // last voiced window.
    int utterance_ms() const { return utterance_ms_; }

    // Forgets everything fed so far (e.g. at `listen start`).
    void reset();

    const VadSettings& settings() const { return settings_; }

  private:
    VadEvent close_window();

    VadSettings settings_;
    int window_samples_;
    double threshold_mean_square_;
    std::int64_t window_energy_ = 0;
    int window_fill_ = 0;
    bool in_speech_ = false;
    int voiced_run_ms_ = 0;
    int silent_run_ms_ = 0;
    int utterance_ms_ = 0;
};

}  // namespace xiaozhi::audio
