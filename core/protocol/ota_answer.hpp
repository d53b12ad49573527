// OTA answers: the device's JSON, the JSON error, the browser's status text; reading an answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/firmware_catalog.hpp"
#include "protocol/mqtt_credentials.hpp"

namespace xiaozhi::protocol {

// `firmware`: what the device should run. Without an offer the reference answers
// the device's own version and an empty url, which the device reads as "up to date".
struct FirmwareSection {
    std::string version;
    std::string url;

    bool operator==(const FirmwareSection&) const = default;
};

// `websocket`: where and how the device connects next. The device stores every
// field in its settings.
struct WebsocketSection {
    std::string url;
    std::optional<std::string> token;  // present when server.auth.enabled
    std::optional<int> version;        // binary protocol 1..3, when server.websocket_version is set

    bool operator==(const WebsocketSection&) const = default;
};

// The firmware section for a device running `device_version`: the offer's version
// and `download_base` + its file name (download_base like
// "http://10.0.0.2:8003/xiaozhi/ota/download/"), or without an offer the device's
// own version (the reference's "1.0.0" when the device sent none) and an empty url.
FirmwareSection firmware_section_for(std::string_view device_version,
                                     const std::optional<FirmwareFile>& offer,
                                     std::string_view download_base);

// A whole OTA answer. The firmware uses MQTT whenever `mqtt` is present, even with
// `websocket` beside it; the reference sends exactly one of them.
struct OtaAnswer {
    std::int64_t server_time_ms = 0;  // server_time.timestamp: ms since the epoch
    int timezone_offset_minutes = 0;  // server_time.timezone_offset
    FirmwareSection firmware;
    std::optional<WebsocketSection> websocket;
    std::optional<MqttCredentials> mqtt;

    bool operator==(const OtaAnswer&) const = default;
};

// The answer's JSON text (compact, sections in the order server_time, firmware, websocket, mqtt).
std::string ota_answer_json(const OtaAnswer& answer);

// {"success":false,"message":"<message>"}: the answer to a request error.
std::string ota_error_json(std::string_view message);

// The plain-text answer to a browser's GET, which operators read to check a
// deployment: "OTA interface is running normally. The websocket address sent to
// devices is: <url>" (and the MQTT endpoint when one is handed out instead).
std::string ota_status_text(std::string_view websocket_url, std::string_view mqtt_endpoint = {});

// Reads an OTA answer (for the simulator and ota-push). Missing sections stay
// empty; fields of the wrong type make it fail. Returns nullopt with `error` set
// for an error answer ({"success":false,...}: its message), non-JSON, or a wrong
// type. Never throws.
std::optional<OtaAnswer> parse_ota_answer(std::string_view text, std::string& error);

}  // namespace xiaozhi::protocol
