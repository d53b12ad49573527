// AudioParams to and from JSON and the configuration, and the check that Opus can carry them.
#include "protocol/audio_params.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "config/input_error.hpp"

namespace xiaozhi::protocol {

namespace {

constexpr std::array kOpusSampleRates = {8000, 12000, 16000, 24000, 48000};
constexpr std::array kOpusFrameDurations = {10, 20, 40, 60, 80, 100, 120};

template <std::size_t N>
std::string list_text(const std::array<int, N>& values) {
    std::string text;
    for (int value : values) {
        if (!text.empty()) text += ", ";
        text += std::to_string(value);
    }
    return text;
}

bool read_int_field(const nlohmann::json& object, const char* name, int& out, std::string* error) {
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) return true;
    if (!it->is_number_integer() || *it < INT32_MIN || *it > INT32_MAX) {
        if (error) *error = std::string("audio_params.") + name + " must be an integer";
        return false;
    }
    out = it->get<int>();
    return true;
}

}  // namespace

AudioParams default_server_audio_params() {
    return AudioParams{"opus", 24000, 1, 60};
}

nlohmann::ordered_json to_json(const AudioParams& params) {
    nlohmann::ordered_json json;
    json["format"] = params.format;
    json["sample_rate"] = params.sample_rate;
    json["channels"] = params.channels;
    json["frame_duration"] = params.frame_duration;
    return json;
}

std::optional<AudioParams> audio_params_from_json(const nlohmann::json& value,
                                                  const AudioParams& defaults, std::string* error) {
    if (!value.is_object()) {
        if (error) *error = "audio_params must be an object";
        return std::nullopt;
    }
    AudioParams params = defaults;
    if (const auto format = value.find("format"); format != value.end() && !format->is_null()) {
        if (!format->is_string()) {
            if (error) *error = "audio_params.format must be a string";
            return std::nullopt;
        }
        params.format = format->get<std::string>();
    }
    if (!read_int_field(value, "sample_rate", params.sample_rate, error) ||
        !read_int_field(value, "channels", params.channels, error) ||
        !read_int_field(value, "frame_duration", params.frame_duration, error)) {
        return std::nullopt;
    }
    return params;
}

std::optional<AudioParamsProblem> find_audio_params_problem(const AudioParams& params) {
    if (params.format != "opus") {
        return AudioParamsProblem{"format", "format \"" + params.format + "\" is not \"opus\""};
    }
    if (std::find(kOpusSampleRates.begin(), kOpusSampleRates.end(), params.sample_rate) ==
        kOpusSampleRates.end()) {
        return AudioParamsProblem{
            "sample_rate", "sample_rate " + std::to_string(params.sample_rate) + " is not one of " +
                               list_text(kOpusSampleRates)};
    }
    if (params.channels != 1 && params.channels != 2) {
        return AudioParamsProblem{"channels",
                                  "channels " + std::to_string(params.channels) + " is not 1 or 2"};
    }
    if (std::find(kOpusFrameDurations.begin(), kOpusFrameDurations.end(), params.frame_duration) ==
        kOpusFrameDurations.end()) {
        return AudioParamsProblem{"frame_duration",
                                  "frame_duration " + std::to_string(params.frame_duration) +
                                      " is not one of " + list_text(kOpusFrameDurations)};
    }
    return std::nullopt;
}

AudioParams server_audio_params(const config::Effective& effective) {
    const std::string prefix = "xiaozhi.audio_params.";
    const auto position_of = [&](const std::string& field) {
        const config::Entry* entry = effective.entry(prefix + field);
        return entry ? entry->value.pos : config::Position{};
    };
    const auto read_int = [&](const std::string& field, int& out) {
        const config::Entry* entry = effective.entry(prefix + field);
        if (!entry) return;
        if (entry->value.kind != config::Kind::integer || entry->value.integer < INT32_MIN ||
            entry->value.integer > INT32_MAX) {
            throw config::InputError(
                entry->value.pos,
                prefix + field + " must be an integer, not " + entry->value.render());
        }
        out = static_cast<int>(entry->value.integer);
    };

    AudioParams params = default_server_audio_params();
    if (const config::Entry* format = effective.entry(prefix + "format")) {
        if (format->value.kind != config::Kind::string) {
            throw config::InputError(format->value.pos, prefix + "format must be a string, not " +
                                                            format->value.render());
        }
        params.format = format->value.text;
    }
    read_int("sample_rate", params.sample_rate);
    read_int("channels", params.channels);
    read_int("frame_duration", params.frame_duration);

    if (const auto problem = find_audio_params_problem(params)) {
        throw config::InputError(position_of(problem->field), prefix + problem->message);
    }
    return params;
}

}  // namespace xiaozhi::protocol
