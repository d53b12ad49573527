// Tests of the OTA answer JSON, MQTT credentials, the error answer and the status text.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "protocol/mqtt_credentials.hpp"
#include "protocol/ota_answer.hpp"

using namespace xiaozhi::protocol;
using Json = nlohmann::json;

TEST_CASE("an OTA answer with a WebSocket section has the reference's shape") {
    OtaAnswer answer;
    answer.server_time_ms = 1700000000123;
    answer.timezone_offset_minutes = 480;
    answer.firmware = {"1.6.0", ""};
    answer.websocket =
        WebsocketSection{"ws://192.168.1.20:8000/xiaozhi/v1/", std::nullopt, std::nullopt};
    const std::string text = ota_answer_json(answer);
    CHECK(text == R"({"server_time":{"timestamp":1700000000123,"timezone_offset":480},)"
                  R"("firmware":{"version":"1.6.0","url":""},)"
                  R"("websocket":{"url":"ws://192.168.1.20:8000/xiaozhi/v1/"}})");
}

TEST_CASE("token and version appear in the WebSocket section only when set") {
    OtaAnswer answer;
    answer.websocket = WebsocketSection{"ws://h:8000/xiaozhi/v1/", "sig.1700000000", 3};
    const Json json = Json::parse(ota_answer_json(answer));
    CHECK(json["websocket"]["token"] == "sig.1700000000");
    CHECK(json["websocket"]["version"] == 3);
    CHECK_FALSE(json.contains("mqtt"));

    std::string error;
    const auto parsed = parse_ota_answer(ota_answer_json(answer), error);
    REQUIRE(parsed);
    CHECK(*parsed == answer);
}

TEST_CASE("MQTT credentials match the reference's scheme") {
    // Computed independently with /usr/bin/python3, as the reference does:
    //   mac = 'aa:bb:cc:dd:ee:ff'.replace(':', '_')
    //   group = 'GID_bread compact:wifi'.replace(':', '_').replace(' ', '_')
    //   client_id = f'{group}@@@{mac}@@@{mac}'
    //   username = base64.b64encode(json.dumps({'ip': 'unknown'}).encode()).decode()
    //   password = base64.b64encode(hmac.new(b'mqtt-signature-key',
    //       (client_id + '|' + username).encode(), hashlib.sha256).digest()).decode()
    const MqttCredentials credentials = make_mqtt_credentials(
        "mqtt.example.com:1883", "aa:bb:cc:dd:ee:ff", "bread compact:wifi", "mqtt-signature-key");
    CHECK(credentials.endpoint == "mqtt.example.com:1883");
    CHECK(credentials.client_id ==
          "GID_bread_compact_wifi@@@aa_bb_cc_dd_ee_ff@@@aa_bb_cc_dd_ee_ff");
    CHECK(credentials.username == "eyJpcCI6ICJ1bmtub3duIn0=");
    CHECK(credentials.password == "+gOzlssAoVMbDmUf5vsf+n6BfYvRq50xyCv4uFW9AD4=");
    CHECK(credentials.publish_topic == "device-server");
    CHECK(credentials.subscribe_topic == "devices/p2p/aa_bb_cc_dd_ee_ff");
}

TEST_CASE("without a signature key the MQTT password is empty") {
    const MqttCredentials credentials =
        make_mqtt_credentials("gw:1883", "aa:bb:cc:dd:ee:ff", "default", "");
    CHECK(credentials.password.empty());
    CHECK(credentials.client_id == "GID_default@@@aa_bb_cc_dd_ee_ff@@@aa_bb_cc_dd_ee_ff");
    const MqttCredentials signed_credentials =
        make_mqtt_credentials("gw:1883", "aa:bb:cc:dd:ee:ff", "default", "k");
    CHECK_FALSE(signed_credentials.password.empty());
}

TEST_CASE("an OTA answer with an MQTT section carries every credential field") {
    OtaAnswer answer;
    answer.firmware = {"1.6.0", ""};
    answer.mqtt = make_mqtt_credentials("gw:1883", "aa:bb:cc:dd:ee:ff", "default", "key");
    const Json json = Json::parse(ota_answer_json(answer));
    CHECK_FALSE(json.contains("websocket"));
    for (const char* field :
         {"endpoint", "client_id", "username", "password", "publish_topic", "subscribe_topic"}) {
        INFO(field);
        CHECK(json["mqtt"][field].is_string());
    }
    std::string error;
    const auto parsed = parse_ota_answer(ota_answer_json(answer), error);
    REQUIRE(parsed);
    CHECK(*parsed == answer);
}

TEST_CASE("a firmware offer is carried in the answer") {
    OtaAnswer answer;
    answer.firmware = {"1.7.0", "http://h:8003/xiaozhi/ota/download/board_1.7.0.bin"};
    const Json json = Json::parse(ota_answer_json(answer));
    CHECK(json["firmware"]["version"] == "1.7.0");
    CHECK(json["firmware"]["url"] == "http://h:8003/xiaozhi/ota/download/board_1.7.0.bin");
}

TEST_CASE("the error answer and the status text") {
    CHECK(ota_error_json("missing Device-Id header") ==
          R"({"success":false,"message":"missing Device-Id header"})");
    CHECK(ota_status_text("ws://10.0.0.2:8000/xiaozhi/v1/") ==
          "OTA interface is running normally. The websocket address sent to devices is: "
          "ws://10.0.0.2:8000/xiaozhi/v1/");
    CHECK(ota_status_text("ws://x/", "gw:1883") ==
          "OTA interface is running normally. The MQTT gateway sent to devices is: gw:1883");
}

TEST_CASE("parse_ota_answer reports error answers and wrong types") {
    std::string error;
    CHECK_FALSE(parse_ota_answer(ota_error_json("request error."), error));
    CHECK(error == "OTA error answer: request error.");
    CHECK_FALSE(parse_ota_answer("<html>", error));
    CHECK(error == "OTA answer is not JSON");
    CHECK_FALSE(parse_ota_answer(R"({"websocket":{"url":5}})", error));
    CHECK(error == "websocket.url must be a string");
    CHECK_FALSE(parse_ota_answer(R"({"websocket":{"url":"ws://x/","version":"3"}})", error));
    CHECK(error == "websocket.version must be an integer");
    CHECK_FALSE(parse_ota_answer(R"({"websocket":[]})", error));
    CHECK(error == "websocket must be an object");
    CHECK_FALSE(parse_ota_answer(R"({"firmware":"1.0"})", error));
    CHECK(error == "firmware must be an object");
    CHECK_FALSE(parse_ota_answer(R"({"server_time":{"timezone_offset":1e300}})", error));
    CHECK(error == "server_time.timezone_offset must be a number of minutes");

    // Near miss: the reference's float offset and extra sections are accepted.
    const auto answer = parse_ota_answer(
        R"({"server_time":{"timestamp":1,"timezone_offset":330.0},"activation":{"code":"123"},)"
        R"("websocket":{"url":"ws://x/"}})",
        error);
    REQUIRE(answer);
    CHECK(answer->timezone_offset_minutes == 330);
    CHECK(answer->websocket->url == "ws://x/");
    CHECK_FALSE(answer->websocket->token);
}

TEST_CASE("the firmware section offers a file or repeats the device's version") {
    const FirmwareFile offer{"board_1.7.0.bin", "board", "1.7.0"};
    CHECK(firmware_section_for("1.6.0", offer, "http://h:8003/xiaozhi/ota/download/") ==
          FirmwareSection{"1.7.0", "http://h:8003/xiaozhi/ota/download/board_1.7.0.bin"});
    CHECK(firmware_section_for("1.6.0", std::nullopt, "http://h/") == FirmwareSection{"1.6.0", ""});
    CHECK(firmware_section_for("", std::nullopt, "http://h/") == FirmwareSection{"1.0.0", ""});
}
