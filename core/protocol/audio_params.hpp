// The `audio_params` object of hello messages: format, sample rate, channels, frame duration.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config/effective.hpp"

namespace xiaozhi::protocol {

// Audio parameters as the protocol writes them. The defaults are the device's
// uplink (Opus, 16 kHz, mono, 60 ms), which a hello without `audio_params` implies.
struct AudioParams {
    std::string format = "opus";
    int sample_rate = 16000;
    int channels = 1;
    double frame_duration = 60;  // milliseconds; Opus also has 2.5

    // Samples per channel in one frame: sample_rate * frame_duration / 1000.
    int samples_per_frame() const { return static_cast<int>(sample_rate * frame_duration / 1000); }

    bool operator==(const AudioParams&) const = default;
};

// The server's downlink default (`xiaozhi.audio_params`): Opus, 24 kHz, mono, 60 ms.
AudioParams default_server_audio_params();

// {"format":...,"sample_rate":...,"channels":...,"frame_duration":...}
nlohmann::ordered_json to_json(const AudioParams& params);

// Reads an `audio_params` object; a missing field keeps its value from `defaults`.
// Returns nullopt with `*error` set ("audio_params.sample_rate must be an integer",
// "audio_params.frame_duration must be a number") when the value is not an object or a
// field has the wrong type. Values are not
// range-checked here: see audio_params_problem.
std::optional<AudioParams> audio_params_from_json(const nlohmann::json& value,
                                                  const AudioParams& defaults,
                                                  std::string* error = nullptr);

// A field whose value Opus cannot carry.
struct AudioParamsProblem {
    std::string field;    // "format", "sample_rate", "channels" or "frame_duration"
    std::string message;  // "sample_rate 44100 is not one of 8000, 12000, 16000, 24000, 48000"
};

// The first field Opus cannot carry, or nullopt when it can: format "opus", sample
// rate 8/12/16/24/48 kHz, 1 or 2 channels, frame duration 2.5, 5, 10, 20, 40, 60, 80, 100
// or 120 ms.
std::optional<AudioParamsProblem> find_audio_params_problem(const AudioParams& params);

// The server's downlink parameters from `xiaozhi.audio_params` of the effective
// configuration (unset fields take default_server_audio_params()). Throws
// config::InputError at the offending value's position for a wrong type, a value
// find_audio_params_problem rejects, or a frame duration that is not whole milliseconds
// (the server's encoder takes 10 to 120 ms).
AudioParams server_audio_params(const config::Effective& effective);

}  // namespace xiaozhi::protocol
