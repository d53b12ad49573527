// Building and reading the JSON of OTA answers, and the status text for browsers.
#include "protocol/ota_answer.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "protocol/json_input.hpp"

namespace xiaozhi::protocol {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Reads the optional string `key` of `object` into `out`; false on a wrong type.
bool read_string(const Json& object, const char* section, const char* key, std::string& out,
                 std::string& error) {
    bool wrong_type = false;
    std::optional<std::string> value = string_member(object, key, wrong_type);
    if (wrong_type) {
        error = std::string(section) + "." + key + " must be a string";
        return false;
    }
    if (value) out = std::move(*value);
    return true;
}

// The object `key` of `answer`, nullptr when absent; sets `error` when it is not an object.
const Json* section_of(const Json& answer, const char* key, std::string& error) {
    const auto it = answer.find(key);
    if (it == answer.end() || it->is_null()) return nullptr;
    if (!it->is_object()) error = std::string(key) + " must be an object";
    return it->is_object() ? &*it : nullptr;
}

bool read_server_time(const Json& answer, OtaAnswer& out, std::string& error) {
    const Json* time = section_of(answer, "server_time", error);
    if (!time) return error.empty();
    const auto timestamp = time->find("timestamp");
    if (timestamp != time->end()) {
        if (!timestamp->is_number_integer()) {
            error = "server_time.timestamp must be an integer";
            return false;
        }
        out.server_time_ms = timestamp->get<std::int64_t>();
    }
    const auto offset = time->find("timezone_offset");
    if (offset != time->end()) {
        if (!offset->is_number() || std::abs(offset->get<double>()) > 24 * 60) {
            error = "server_time.timezone_offset must be a number of minutes";
            return false;
        }
        out.timezone_offset_minutes = static_cast<int>(offset->get<double>());
    }
    return true;
}

bool read_websocket(const Json& answer, OtaAnswer& out, std::string& error) {
    const Json* websocket = section_of(answer, "websocket", error);
    if (!websocket) return error.empty();
    WebsocketSection section;
    bool token_wrong_type = false;
    section.token = string_member(*websocket, "token", token_wrong_type);
    if (token_wrong_type) {
        error = "websocket.token must be a string";
        return false;
    }
    if (!read_string(*websocket, "websocket", "url", section.url, error)) return false;
    const auto version = websocket->find("version");
    if (version != websocket->end() && !version->is_null()) {
        if (!version->is_number_integer()) {
            error = "websocket.version must be an integer";
            return false;
        }
        section.version = version->get<int>();
    }
    out.websocket = std::move(section);
    return true;
}

bool read_mqtt(const Json& answer, OtaAnswer& out, std::string& error) {
    const Json* mqtt = section_of(answer, "mqtt", error);
    if (!mqtt) return error.empty();
    MqttCredentials credentials;
    if (!read_string(*mqtt, "mqtt", "endpoint", credentials.endpoint, error) ||
        !read_string(*mqtt, "mqtt", "client_id", credentials.client_id, error) ||
        !read_string(*mqtt, "mqtt", "username", credentials.username, error) ||
        !read_string(*mqtt, "mqtt", "password", credentials.password, error) ||
        !read_string(*mqtt, "mqtt", "publish_topic", credentials.publish_topic, error) ||
        !read_string(*mqtt, "mqtt", "subscribe_topic", credentials.subscribe_topic, error)) {
        return false;
    }
    out.mqtt = std::move(credentials);
    return true;
}

}  // namespace

FirmwareSection firmware_section_for(std::string_view device_version,
                                     const std::optional<FirmwareFile>& offer,
                                     std::string_view download_base) {
    if (offer)
        return FirmwareSection{offer->version, std::string(download_base) + offer->file_name};
    return FirmwareSection{device_version.empty() ? "1.0.0" : std::string(device_version), ""};
}

std::string ota_answer_json(const OtaAnswer& answer) {
    OrderedJson json;
    json["server_time"] = {{"timestamp", answer.server_time_ms},
                           {"timezone_offset", answer.timezone_offset_minutes}};
    json["firmware"] = {{"version", answer.firmware.version}, {"url", answer.firmware.url}};
    if (answer.websocket) {
        OrderedJson websocket;
        websocket["url"] = answer.websocket->url;
        if (answer.websocket->token) websocket["token"] = *answer.websocket->token;
        if (answer.websocket->version) websocket["version"] = *answer.websocket->version;
        json["websocket"] = std::move(websocket);
    }
    if (answer.mqtt) {
        const MqttCredentials& mqtt = *answer.mqtt;
        json["mqtt"] = {
            {"endpoint", mqtt.endpoint},           {"client_id", mqtt.client_id},
            {"username", mqtt.username},           {"password", mqtt.password},
            {"publish_topic", mqtt.publish_topic}, {"subscribe_topic", mqtt.subscribe_topic}};
    }
    return dump_text(json);
}

std::string ota_error_json(std::string_view message) {
    OrderedJson json;
    json["success"] = false;
    json["message"] = message;
    return dump_text(json);
}

std::string ota_status_text(std::string_view websocket_url, std::string_view mqtt_endpoint) {
    std::string text = "OTA interface is running normally. ";
    if (!mqtt_endpoint.empty()) {
        text.append("The MQTT gateway sent to devices is: ").append(mqtt_endpoint);
    } else {
        text.append("The websocket address sent to devices is: ").append(websocket_url);
    }
    return text;
}

std::optional<OtaAnswer> parse_ota_answer(std::string_view text, std::string& error) {
    error.clear();
    const std::optional<Json> json = parse_json_object(text, error);
    if (!json) {
        error = "OTA answer is " + error;
        return std::nullopt;
    }
    if (const auto success = json->find("success");
        success != json->end() && success->is_boolean() && !success->get<bool>()) {
        const auto message = json->find("message");
        error = "OTA error answer: " + (message != json->end() && message->is_string()
                                            ? message->get<std::string>()
                                            : std::string("(no message)"));
        return std::nullopt;
    }
    OtaAnswer answer;
    if (!read_server_time(*json, answer, error) || !read_websocket(*json, answer, error) ||
        !read_mqtt(*json, answer, error)) {
        return std::nullopt;
    }
    if (const Json* firmware = section_of(*json, "firmware", error)) {
        if (!read_string(*firmware, "firmware", "version", answer.firmware.version, error) ||
            !read_string(*firmware, "firmware", "url", answer.firmware.url, error)) {
            return std::nullopt;
        }
    }
    if (!error.empty()) return std::nullopt;
    return answer;
}

}  // namespace xiaozhi::protocol
