// AudioParams to and from JSON and the configuration, and the check that Opus can carry them.
#include "protocol/audio_params.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "config/input_error.hpp"

namespace xiaozhi::protocol {

namespace {

constexpr std::array kOpusSampleRates = {8000, 12000, 16000, 24000, 48000};
constexpr std::array kOpusFrameDurations = {2.5, 5.0, 10.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0};

// "2.5" or "60": a value of the lists above as the protocol writes it.
std::string number_text(double value) {
    const auto whole = static_cast<long long>(value);
    if (static_cast<double>(whole) == value) return std::to_string(whole);
    std::string text = std::to_string(value);
    text.erase(text.find_last_not_of('0') + 1);
    return text;
}

template <typename T, std::size_t N>
std::string list_text(const std::array<T, N>& values) {
    std::string text;
    for (T value : values) {
        if (!text.empty()) text += ", ";
        text += number_text(static_cast<double>(value));
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

bool read_duration_field(const nlohmann::json& object, double& out, std::string* error) {
    const auto it = object.find("frame_duration");
    if (it == object.end() || it->is_null()) return true;
    if (!it->is_number() || !std::isfinite(it->get<double>())) {
        if (error) *error = "audio_params.frame_duration must be a number";
        return false;
    }
    out = it->get<double>();
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
    const auto whole = static_cast<long long>(params.frame_duration);
    if (static_cast<double>(whole) == params.frame_duration) {
        json["frame_duration"] = whole;
    } else {
        json["frame_duration"] = params.frame_duration;
    }
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
        !read_duration_field(value, params.frame_duration, error)) {
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
                                  "frame_duration " + number_text(params.frame_duration) +
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
    int frame_duration = static_cast<int>(params.frame_duration);
    read_int("sample_rate", params.sample_rate);
    read_int("channels", params.channels);
    read_int("frame_duration", frame_duration);
    params.frame_duration = frame_duration;

    if (const auto problem = find_audio_params_problem(params)) {
        throw config::InputError(position_of(problem->field), prefix + problem->message);
    }
    if (params.frame_duration < 10) {
        throw config::InputError(position_of("frame_duration"),
                                 prefix + "frame_duration must be 10 ms or more for the server");
    }
    return params;
}

}  // namespace xiaozhi::protocol
