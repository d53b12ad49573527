// Tests of parsing and building the text messages a device sends.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "protocol/device_message.hpp"

using namespace xiaozhi::protocol;

namespace {

template <typename T>
T parse_as(std::string_view text) {
    const DeviceMessage message = parse_device_message(text);
    INFO(text);
    REQUIRE(std::holds_alternative<T>(message));
    return std::get<T>(message);
}

std::string malformed_error(std::string_view text) {
    return parse_as<MalformedMessage>(text).error;
}

}  // namespace

TEST_CASE("the firmware's hello parses with every field") {
    const auto hello = parse_as<DeviceHello>(
        R"({"type":"hello","version":1,"features":{"mcp":true,"aec":true},"transport":"websocket",)"
        R"("audio_params":{"format":"opus","sample_rate":16000,"channels":1,)"
        R"("frame_duration":60}})");
    CHECK(hello.version == 1);
    CHECK(hello.transport == "websocket");
    CHECK(hello.features.mcp);
    CHECK(hello.features.aec);
    REQUIRE(hello.audio_params);
    CHECK(*hello.audio_params == AudioParams{"opus", 16000, 1, 60});
}

TEST_CASE("a browser hello without transport, version or audio_params takes defaults") {
    const auto hello = parse_as<DeviceHello>(
        R"({"type":"hello","device_id":"web_test","device_mac":"00:11:22:33:44:55",)"
        R"("features":{"mcp":true}})");
    CHECK(hello.version == 1);
    CHECK(hello.transport == "websocket");
    CHECK(hello.features.mcp);
    CHECK_FALSE(hello.features.aec);
    CHECK_FALSE(hello.audio_params);

    const auto bare = parse_as<DeviceHello>(R"({"type":"hello"})");
    CHECK(bare == DeviceHello{});
}

TEST_CASE("hello keeps other transports and partial audio_params") {
    const auto hello = parse_as<DeviceHello>(
        R"({"type":"hello","version":3,"transport":"udp","audio_params":{"sample_rate":24000},)"
        R"("features":{"mcp":"yes"}})");
    CHECK(hello.version == 3);
    CHECK(hello.transport == "udp");
    CHECK_FALSE(hello.features.mcp);
    REQUIRE(hello.audio_params);
    CHECK(*hello.audio_params == AudioParams{"opus", 24000, 1, 60});
}

TEST_CASE("hello with fields of the wrong type is malformed") {
    CHECK(malformed_error(R"({"type":"hello","version":"1"})") ==
          "hello.version must be a small integer");
    CHECK(malformed_error(R"({"type":"hello","transport":1})") ==
          "hello.transport must be a string");
    CHECK(malformed_error(R"({"type":"hello","features":[]})") ==
          "hello.features must be an object");
    CHECK(malformed_error(R"({"type":"hello","audio_params":"opus"})") ==
          "hello.audio_params must be an object");
    CHECK(malformed_error(R"({"type":"hello","audio_params":{"sample_rate":"16k"}})") ==
          "hello.audio_params.sample_rate must be an integer");
}

TEST_CASE("listen messages parse state, mode and wake word") {
    auto listen = parse_as<ListenMessage>(
        R"({"session_id":"s1","type":"listen","state":"start","mode":"auto"})");
    CHECK(listen.session_id == "s1");
    CHECK(listen.state == ListenState::start);
    CHECK(listen.mode == ListenMode::auto_stop);

    listen = parse_as<ListenMessage>(R"({"type":"listen","state":"start","mode":"manual"})");
    CHECK(listen.mode == ListenMode::manual_stop);
    listen = parse_as<ListenMessage>(R"({"type":"listen","state":"start","mode":"realtime"})");
    CHECK(listen.mode == ListenMode::realtime);

    listen = parse_as<ListenMessage>(R"({"type":"listen","state":"stop"})");
    CHECK(listen.state == ListenState::stop);
    CHECK_FALSE(listen.mode);

    listen = parse_as<ListenMessage>(R"({"type":"listen","state":"detect","text":"你好小智"})");
    CHECK(listen.state == ListenState::detect);
    CHECK(listen.text == "你好小智");
}

TEST_CASE("listen with a missing or unknown state or mode is malformed") {
    CHECK(malformed_error(R"({"type":"listen"})") ==
          "listen.state must be one of start, stop, detect");
    CHECK(malformed_error(R"({"type":"listen","state":"pause"})") ==
          "listen.state must be one of start, stop, detect");
    CHECK(malformed_error(R"({"type":"listen","state":"start","mode":"fast"})") ==
          "listen.mode must be one of auto, manual, realtime");
    CHECK(malformed_error(R"({"type":"listen","state":"start","mode":""})") ==
          "listen.mode must be one of auto, manual, realtime");
    CHECK(malformed_error(R"({"type":"listen","state":"start","mode":1})") ==
          "listen.mode must be a string");
    CHECK(malformed_error(R"({"type":"listen","state":"detect","text":5})") ==
          "listen.text must be a string");
    CHECK(malformed_error(R"({"type":"listen","state":"stop","session_id":5})") ==
          "listen.session_id must be a string");
}

TEST_CASE("abort, mcp and iot messages parse") {
    const auto abort = parse_as<AbortMessage>(
        R"({"session_id":"s","type":"abort","reason":"wake_word_detected"})");
    CHECK(abort.reason == "wake_word_detected");
    CHECK(parse_as<AbortMessage>(R"({"type":"abort"})").reason.empty());

    const auto mcp = parse_as<DeviceMcpMessage>(
        R"({"session_id":"s","type":"mcp","payload":{"jsonrpc":"2.0","id":1,"result":{}}})");
    CHECK(mcp.payload["jsonrpc"] == "2.0");
    CHECK(mcp.payload["id"] == 1);

    parse_as<IotMessage>(R"({"type":"iot","descriptors":[{"name":"Speaker"}]})");
}

TEST_CASE("mcp without a JSON-RPC payload and abort with a non-string reason are malformed") {
    CHECK(malformed_error(R"({"type":"mcp"})") == "mcp.payload must be a JSON-RPC object");
    CHECK(malformed_error(R"({"type":"mcp","payload":"x"})") ==
          "mcp.payload must be a JSON-RPC object");
    CHECK(malformed_error(R"({"type":"abort","reason":false})") == "abort.reason must be a string");
}

TEST_CASE("unknown types are reported with their name") {
    CHECK(parse_as<UnknownTypeMessage>(R"({"type":"goodbye"})").type == "goodbye");
}

TEST_CASE("garbage is malformed, never an exception") {
    CHECK(malformed_error("") == "not JSON");
    CHECK(malformed_error("hello") == "not JSON");
    CHECK(malformed_error("{\"type\":\"hello\"") == "not JSON");
    CHECK(malformed_error("[1,2]") == "not a JSON object");
    CHECK(malformed_error("\"hello\"") == "not a JSON object");
    CHECK(malformed_error("{}") == "no type");
    CHECK(malformed_error(R"({"type":""})") == "no type");
    CHECK(malformed_error(R"({"type":7})") == "message.type must be a string");
    CHECK(malformed_error("{\"type\":\"hello\",\"x\":\"\xff\xfe\"}") == "not JSON");
    // Built by appending: g++ 12 misreads `"literal" + std::string&&` (-Warray-bounds).
    const std::string deep = std::string(R"({"type":"mcp","payload":)")
                                 .append(10000, '[')
                                 .append(10000, ']')
                                 .append("}");
    CHECK(malformed_error(deep) == "nested deeper than 64 levels");
    // Brackets inside strings do not count as nesting.
    const std::string brackets =
        std::string(R"({"type":"abort","reason":")").append(100, '[').append("\"}");
    CHECK(parse_as<AbortMessage>(brackets).reason.size() == 100);
}

TEST_CASE("device messages built for the simulator parse back to themselves") {
    DeviceHello hello;
    hello.features.mcp = true;
    hello.audio_params = AudioParams{};
    CHECK(parse_as<DeviceHello>(to_text(hello)) == hello);

    const ListenMessage start{"s1", ListenState::start, ListenMode::realtime, ""};
    CHECK(parse_as<ListenMessage>(to_text(start)) == start);
    const ListenMessage detect{"", ListenState::detect, std::nullopt, "你好小智"};
    CHECK(parse_as<ListenMessage>(to_text(detect)) == detect);

    const AbortMessage abort{"s1", "wake_word_detected"};
    CHECK(parse_as<AbortMessage>(to_text(abort)) == abort);

    const DeviceMcpMessage mcp{"s1", nlohmann::json{{"jsonrpc", "2.0"}, {"id", 2}}};
    CHECK(parse_as<DeviceMcpMessage>(to_text(mcp)) == mcp);
}

TEST_CASE("the device hello is written as the firmware writes it") {
    DeviceHello hello;
    hello.features = {true, true};
    hello.audio_params = AudioParams{};
    CHECK(
        to_text(hello) ==
        R"({"type":"hello","version":1,"features":{"mcp":true,"aec":true},"transport":"websocket",)"
        R"("audio_params":{"format":"opus","sample_rate":16000,"channels":1,)"
        R"("frame_duration":60}})");
    CHECK(to_text(ListenMessage{"abc", ListenState::start, ListenMode::auto_stop, ""}) ==
          R"({"type":"listen","session_id":"abc","state":"start","mode":"auto"})");
    CHECK(to_text(ListenMessage{"", ListenState::stop, std::nullopt, ""}) ==
          R"({"type":"listen","state":"stop"})");
}
