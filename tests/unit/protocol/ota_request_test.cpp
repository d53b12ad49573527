// Tests of OTA request validation, body reading, and the simulator's request body.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "protocol/ota_request.hpp"

using namespace xiaozhi::protocol;

namespace {

const OtaRequestHeaders kHeaders{"aa:bb:cc:dd:ee:ff", "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                                 "bread-compact-wifi/1.6.0"};

constexpr std::string_view kFirmwareBody =
    R"({"version":2,"flash_size":16777216,"mac_address":"aa:bb:cc:dd:ee:ff",)"
    R"("uuid":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","chip_model_name":"esp32s3",)"
    R"("application":{"name":"xiaozhi","version":"1.6.0"},)"
    R"("board":{"type":"bread-compact-wifi","ssid":"home"}})";

std::string error_of(const OtaRequestHeaders& headers, std::string_view body = "") {
    const OtaRequestParse parsed = parse_ota_request(headers, body);
    CHECK_FALSE(parsed.request);
    return parsed.error;
}

}  // namespace

TEST_CASE("is_mac_like accepts six pairs of letters or digits") {
    CHECK(is_mac_like("aa:bb:cc:dd:ee:ff"));
    CHECK(is_mac_like("AA-BB-CC-DD-EE-FF"));
    CHECK(is_mac_like("a1:b2:c3:d4:e5:f6"));
    CHECK(is_mac_like("zz:yy:xx:ww:vv:uu"));  // the management API checks letters, not hex
    CHECK(is_mac_like("aa:bb-cc:dd-ee:ff"));
    CHECK_FALSE(is_mac_like("aa:bb:cc:dd:ee"));
    CHECK_FALSE(is_mac_like("aa:bb:cc:dd:ee:ff:00"));
    CHECK_FALSE(is_mac_like("aabbccddeeff"));
    CHECK_FALSE(is_mac_like("aa:bb:cc:dd:ee:f"));
    CHECK_FALSE(is_mac_like("aa.bb.cc.dd.ee.ff"));
    CHECK_FALSE(is_mac_like("aa:bb:cc:dd:ee:f/"));
    CHECK_FALSE(is_mac_like("web_test_device_1"));
    CHECK_FALSE(is_mac_like(""));
}

TEST_CASE("an OTA request from the firmware is read") {
    const OtaRequestParse parsed = parse_ota_request(kHeaders, kFirmwareBody);
    REQUIRE(parsed.request);
    CHECK(parsed.error.empty());
    CHECK(parsed.request->device_id == "aa:bb:cc:dd:ee:ff");
    CHECK(parsed.request->client_id == "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    CHECK(parsed.request->user_agent == "bread-compact-wifi/1.6.0");
    CHECK(parsed.request->app_version == "1.6.0");
    CHECK(parsed.request->board_type == "bread-compact-wifi");
    CHECK(parsed.request->mqtt_model == "default");
}

TEST_CASE("the MQTT model comes from device.model, then model") {
    auto parsed = parse_ota_request(kHeaders, R"({"device":{"model":"box3"},"model":"other"})");
    REQUIRE(parsed.request);
    CHECK(parsed.request->mqtt_model == "box3");
    parsed = parse_ota_request(kHeaders, R"({"model":"other"})");
    REQUIRE(parsed.request);
    CHECK(parsed.request->mqtt_model == "other");
}

TEST_CASE("an empty body is accepted and body fields of the wrong type are ignored") {
    auto parsed = parse_ota_request(kHeaders, "");
    REQUIRE(parsed.request);
    CHECK(parsed.request->app_version.empty());
    parsed = parse_ota_request(kHeaders, " \r\n");
    REQUIRE(parsed.request);
    parsed = parse_ota_request(kHeaders, R"({"application":{"version":1},"board":"x"})");
    REQUIRE(parsed.request);
    CHECK(parsed.request->app_version.empty());
    CHECK(parsed.request->board_type.empty());
}

TEST_CASE("OTA request errors") {
    CHECK(error_of({"", kHeaders.client_id, ""}) == "missing Device-Id header");
    CHECK(error_of({kHeaders.device_id, "", ""}) == "missing Client-Id header");
    CHECK(error_of({"device-1", kHeaders.client_id, ""}) ==
          "Device-Id is not a MAC address (aa:bb:cc:dd:ee:ff)");
    CHECK(error_of({kHeaders.device_id, std::string(129, 'a'), ""}) ==
          "Client-Id is not a device UUID");
    CHECK(error_of({kHeaders.device_id, "abc\ndef", ""}) == "Client-Id is not a device UUID");
    CHECK(error_of(kHeaders, "{not json") == "request body is not JSON");
    CHECK(error_of(kHeaders, "[]") == "request body is not a JSON object");
    // Near miss: 128 bytes is still accepted.
    CHECK(parse_ota_request({kHeaders.device_id, std::string(128, 'a'), ""}, "").request);
}

TEST_CASE("the simulator's OTA body is read back by the server side") {
    OtaRequest request;
    request.device_id = "02:00:00:00:00:01";
    request.client_id = "uuid-1";
    request.app_version = "1.5.9";
    request.board_type = "sim-board";
    const std::string body = ota_request_body(request);
    const auto json = nlohmann::json::parse(body);
    CHECK(json["mac_address"] == "02:00:00:00:00:01");
    CHECK(json["uuid"] == "uuid-1");
    CHECK(json.contains("flash_size"));
    CHECK(json.contains("psram_size"));
    CHECK(json.contains("chip_model_name"));

    const OtaRequestParse parsed =
        parse_ota_request({request.device_id, request.client_id, "sim-board/1.5.9"}, body);
    REQUIRE(parsed.request);
    CHECK(parsed.request->app_version == "1.5.9");
    CHECK(parsed.request->board_type == "sim-board");
}
