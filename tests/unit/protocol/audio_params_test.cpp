// Tests of AudioParams: JSON form, Opus range check, xiaozhi.audio_params from a config.
#include <catch2/catch.hpp>

#include "config/effective.hpp"
#include "config/input_error.hpp"
#include "config/layer.hpp"
#include "protocol/audio_params.hpp"

using namespace xiaozhi;
using namespace xiaozhi::protocol;

namespace {

config::Effective with_settings(const std::vector<std::string>& assignments) {
    return config::Effective::merge(
        {config::defaults_layer(), config::command_line_layer(assignments)});
}

}  // namespace

TEST_CASE("AudioParams defaults are the device uplink and the server downlink") {
    CHECK(AudioParams{} == AudioParams{"opus", 16000, 1, 60});
    CHECK(default_server_audio_params() == AudioParams{"opus", 24000, 1, 60});
    CHECK(AudioParams{}.samples_per_frame() == 960);
    CHECK(default_server_audio_params().samples_per_frame() == 1440);
}

TEST_CASE("AudioParams round-trip through JSON") {
    const AudioParams params{"opus", 48000, 2, 20};
    const nlohmann::json json = to_json(params);
    CHECK(json.dump() ==
          R"({"channels":2,"format":"opus","frame_duration":20,"sample_rate":48000})");
    std::string error;
    CHECK(audio_params_from_json(json, AudioParams{}, &error) == params);
}

TEST_CASE("audio_params_from_json fills missing fields and rejects wrong types") {
    std::string error;
    CHECK(audio_params_from_json(nlohmann::json::object(), default_server_audio_params(), &error) ==
          default_server_audio_params());
    CHECK(audio_params_from_json(nlohmann::json{{"channels", 2}, {"format", nullptr}},
                                 AudioParams{}, &error) == AudioParams{"opus", 16000, 2, 60});

    CHECK(audio_params_from_json(nlohmann::json{{"frame_duration", 2.5}}, AudioParams{}, &error)
              ->frame_duration == 2.5);
    CHECK_FALSE(
        audio_params_from_json(nlohmann::json{{"frame_duration", "60"}}, AudioParams{}, &error));
    CHECK(error == "audio_params.frame_duration must be a number");
    CHECK_FALSE(
        audio_params_from_json(nlohmann::json{{"sample_rate", 1e12}}, AudioParams{}, &error));
    CHECK_FALSE(audio_params_from_json(nlohmann::json{{"sample_rate", 99999999999}}, AudioParams{},
                                       &error));
    CHECK(error == "audio_params.sample_rate must be an integer");
    CHECK_FALSE(audio_params_from_json(nlohmann::json{{"format", 1}}, AudioParams{}, &error));
    CHECK(error == "audio_params.format must be a string");
    CHECK_FALSE(audio_params_from_json(nlohmann::json::array(), AudioParams{}, &error));
    CHECK(error == "audio_params must be an object");
}

TEST_CASE("find_audio_params_problem names the field Opus cannot carry") {
    CHECK_FALSE(find_audio_params_problem(AudioParams{}));
    CHECK_FALSE(find_audio_params_problem(AudioParams{"opus", 48000, 2, 120}));
    CHECK_FALSE(find_audio_params_problem(AudioParams{"opus", 8000, 1, 10}));

    auto problem = find_audio_params_problem(AudioParams{"opus", 44100, 1, 60});
    REQUIRE(problem);
    CHECK(problem->field == "sample_rate");
    CHECK(problem->message == "sample_rate 44100 is not one of 8000, 12000, 16000, 24000, 48000");
    problem = find_audio_params_problem(AudioParams{"pcm", 16000, 1, 60});
    REQUIRE(problem);
    CHECK(problem->field == "format");
    problem = find_audio_params_problem(AudioParams{"opus", 16000, 3, 60});
    REQUIRE(problem);
    CHECK(problem->field == "channels");
    problem = find_audio_params_problem(AudioParams{"opus", 16000, 1, 30});
    REQUIRE(problem);
    CHECK(problem->field == "frame_duration");
    CHECK(problem->message ==
          "frame_duration 30 is not one of 2.5, 5, 10, 20, 40, 60, 80, 100, 120");
    for (const double duration : {0.0, -60.0, 60.5, 1e9}) {
        INFO(duration);
        problem = find_audio_params_problem(AudioParams{"opus", 16000, 1, duration});
        REQUIRE(problem);
        CHECK(problem->field == "frame_duration");
    }
    CHECK_FALSE(find_audio_params_problem(AudioParams{"opus", 16000, 1, 2.5}));
    CHECK_FALSE(find_audio_params_problem(AudioParams{"opus", 16000, 1, 5}));
}

TEST_CASE("to_json writes a whole frame duration as an integer") {
    CHECK(to_json(AudioParams{}).dump().find(R"("frame_duration":60})") != std::string::npos);
    CHECK(to_json(AudioParams{"opus", 16000, 1, 2.5}).dump().find(R"("frame_duration":2.5})") !=
          std::string::npos);
}

TEST_CASE("server_audio_params reads xiaozhi.audio_params of the configuration") {
    CHECK(server_audio_params(with_settings({})) == default_server_audio_params());
    CHECK(server_audio_params(with_settings({"xiaozhi.audio_params.sample_rate=16000",
                                             "xiaozhi.audio_params.frame_duration=20"})) ==
          AudioParams{"opus", 16000, 1, 20});
}

TEST_CASE("server_audio_params rejects values Opus cannot carry, at their origin") {
    try {
        server_audio_params(with_settings({"xiaozhi.audio_params.sample_rate=44100"}));
        FAIL("no InputError");
    } catch (const config::InputError& error) {
        CHECK(error.message() ==
              "xiaozhi.audio_params.sample_rate 44100 is not one of 8000, 12000, 16000, 24000, "
              "48000");
        CHECK(error.position().file.find("xiaozhi.audio_params.sample_rate") != std::string::npos);
    }
    CHECK_THROWS_AS(server_audio_params(with_settings({"xiaozhi.audio_params.channels=two"})),
                    config::InputError);
    CHECK_THROWS_AS(server_audio_params(with_settings({"xiaozhi.audio_params.format=mp3"})),
                    config::InputError);
    CHECK_THROWS_AS(server_audio_params(with_settings({"xiaozhi.audio_params.frame_duration=5"})),
                    config::InputError);
}
