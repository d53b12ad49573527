// Validation of OTA request headers, reading of the device's system-info body, and building one.
#include "protocol/ota_request.hpp"

#include <nlohmann/json.hpp>

#include "protocol/json_input.hpp"

namespace xiaozhi::protocol {

namespace {

using Json = nlohmann::json;

bool is_ascii_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The string at object[outer][inner], or "" when absent or not a string.
std::string nested_string(const Json& body, const char* outer, const char* inner) {
    const auto section = body.find(outer);
    if (section == body.end() || !section->is_object()) return "";
    const auto value = section->find(inner);
    return value != section->end() && value->is_string() ? value->get<std::string>() : "";
}

bool has_control_characters(std::string_view text) {
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7F) return true;
    }
    return false;
}

OtaRequestParse failure(std::string message) {
    return OtaRequestParse{std::nullopt, message};
}

}  // namespace

bool is_mac_like(std::string_view text) {
    if (text.size() != 17) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool separator_position = i % 3 == 2;
        const char c = text[i];
        if (separator_position ? (c != ':' && c != '-') : !is_ascii_alnum(c)) return false;
    }
    return true;
}

OtaRequestParse parse_ota_request(const OtaRequestHeaders& headers, std::string_view body) {
    if (headers.device_id.empty()) return failure("missing Device-Id header");
    if (!is_mac_like(headers.device_id)) {
        return failure("Device-Id is not a MAC address (aa:bb:cc:dd:ee:ff)");
    }
    if (headers.client_id.empty()) return failure("missing Client-Id header");
    if (headers.client_id.size() > 128 || has_control_characters(headers.client_id)) {
        return failure("Client-Id is not a device UUID");
    }
    OtaRequest request;
    request.device_id = headers.device_id;
    request.client_id = headers.client_id;
    request.user_agent = headers.user_agent;

    const bool blank_body = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (blank_body) return OtaRequestParse{std::move(request), ""};
    std::string error;
    const std::optional<Json> json = parse_json_object(body, error);
    if (!json) return failure("request body is " + error);

    request.app_version = nested_string(*json, "application", "version");
    request.board_type = nested_string(*json, "board", "type");
    std::string model = nested_string(*json, "device", "model");
    if (model.empty()) {
        const auto top = json->find("model");
        if (top != json->end() && top->is_string()) model = top->get<std::string>();
    }
    if (!model.empty()) request.mqtt_model = model;
    return OtaRequestParse{std::move(request), ""};
}

std::string ota_request_body(const OtaRequest& request) {
    nlohmann::ordered_json body;
    body["version"] = 2;
    body["language"] = "zh-CN";
    body["flash_size"] = 16777216;
    body["psram_size"] = 8388608;
    body["minimum_free_heap_size"] = 8318916;
    body["mac_address"] = request.device_id;
    body["uuid"] = request.client_id;
    body["chip_model_name"] = "esp32s3";
    body["chip_info"] = {{"model", 9}, {"cores", 2}, {"revision", 2}, {"features", 18}};
    body["application"] = {
        {"name", "xiaozhi"}, {"version", request.app_version}, {"idf_version", "v5.4.1"}};
    body["partition_table"] = nlohmann::ordered_json::array();
    body["ota"] = {{"label", "factory"}};
    body["board"] = {{"type", request.board_type}, {"mac", request.device_id}};
    return dump_text(body);
}

}  // namespace xiaozhi::protocol
