// Tests of building and parsing the text messages the server sends.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "protocol/server_message.hpp"

using namespace xiaozhi::protocol;

namespace {

template <typename T>
T parse_as(std::string_view text) {
    const ServerMessage message = parse_server_message(text);
    INFO(text);
    REQUIRE(std::holds_alternative<T>(message));
    return std::get<T>(message);
}

}  // namespace

TEST_CASE("the hello reply carries transport, session id and the downlink parameters") {
    const ServerHello hello{"sess-1", "websocket", default_server_audio_params()};
    CHECK(to_text(hello) ==
          R"({"type":"hello","session_id":"sess-1","version":1,"transport":"websocket",)"
          R"("audio_params":{"format":"opus","sample_rate":24000,"channels":1,)"
          R"("frame_duration":60}})");
    CHECK(parse_as<ServerHello>(to_text(hello)) == hello);
}

TEST_CASE("every server message names its type and session and parses back") {
    const SttMessage stt{"s", "heard 2.4 s of audio"};
    CHECK(nlohmann::json::parse(to_text(stt)) ==
          nlohmann::json{{"type", "stt"}, {"session_id", "s"}, {"text", "heard 2.4 s of audio"}});
    CHECK(parse_as<SttMessage>(to_text(stt)) == stt);

    const LlmMessage llm{"s", "happy", "😀"};
    CHECK(nlohmann::json::parse(to_text(llm))["emotion"] == "happy");
    CHECK(parse_as<LlmMessage>(to_text(llm)) == llm);

    for (const TtsMessage& tts :
         {TtsMessage{"s", TtsState::start, ""}, TtsMessage{"s", TtsState::sentence_start, "Hello"},
          TtsMessage{"s", TtsState::stop, ""}}) {
        const auto json = nlohmann::json::parse(to_text(tts));
        CHECK(json["type"] == "tts");
        CHECK(json["session_id"] == "s");
        CHECK(json["state"] == tts_state_name(tts.state));
        CHECK(json.contains("text") == !tts.text.empty());
        CHECK(parse_as<TtsMessage>(to_text(tts)) == tts);
    }

    const ServerMcpMessage mcp{"s", nlohmann::json{{"jsonrpc", "2.0"}, {"method", "tools/list"}}};
    CHECK(nlohmann::json::parse(to_text(mcp))["payload"]["method"] == "tools/list");
    CHECK(parse_as<ServerMcpMessage>(to_text(mcp)) == mcp);

    const SystemMessage system{"s", "reboot"};
    CHECK(nlohmann::json::parse(to_text(system))["command"] == "reboot");
    CHECK(parse_as<SystemMessage>(to_text(system)) == system);

    const AlertMessage alert{"s", "Warning", "Server restarting", "sad"};
    const auto alert_json = nlohmann::json::parse(to_text(alert));
    CHECK(alert_json["status"] == "Warning");
    CHECK(alert_json["message"] == "Server restarting");
    CHECK(parse_as<AlertMessage>(to_text(alert)) == alert);
}

TEST_CASE("a server hello without transport parses with an empty transport") {
    const auto hello = parse_as<ServerHello>(R"({"type":"hello","session_id":"x"})");
    CHECK(hello.transport.empty());
    CHECK_FALSE(hello.audio_params);
}

TEST_CASE("server messages with wrong fields are malformed, others unknown") {
    CHECK(parse_as<MalformedMessage>(R"({"type":"tts","state":"pause"})").error ==
          "tts.state must be one of start, sentence_start, sentence_end, stop");
    CHECK(parse_as<MalformedMessage>(R"({"type":"stt","text":1})").error ==
          "stt.text must be a string");
    CHECK(parse_as<MalformedMessage>(R"({"type":"alert","emotion":[]})").error ==
          "alert.emotion must be a string");
    CHECK(parse_as<MalformedMessage>(R"({"type":"hello","audio_params":{"channels":"1"}})").error ==
          "hello.audio_params.channels must be an integer");
    CHECK(parse_as<MalformedMessage>(R"({"type":"mcp","payload":3})").error ==
          "mcp.payload must be a JSON-RPC object");
    CHECK(parse_as<MalformedMessage>("not json").error == "not JSON");
    CHECK(parse_as<UnknownTypeMessage>(R"({"type":"goodbye","session_id":"s"})").type == "goodbye");
}

TEST_CASE("text from a peer with invalid UTF-8 is written without throwing") {
    const SttMessage stt{"s", "bad \xff byte"};
    const std::string text = to_text(stt);
    CHECK(parse_as<SttMessage>(text).text == "bad \xEF\xBF\xBD byte");
}
