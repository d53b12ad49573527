// The OTA check and firmware downloads, built from the protocol module's requests and answers.
#include "ota_endpoint.hpp"

#include <filesystem>

#include "error_response.hpp"
#include "log_event.hpp"
#include "protocol/device_token.hpp"
#include "protocol/firmware_catalog.hpp"
#include "protocol/ota_answer.hpp"
#include "protocol/ota_request.hpp"

namespace xiaozhi::server {

namespace {

std::int64_t unix_ms(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::optional<protocol::FirmwareFile> offer_for(const protocol::OtaRequest& device,
                                                const std::vector<std::string>& firmware_names) {
    if (!protocol::is_valid_model_name(device.board_type)) return std::nullopt;
    return protocol::choose_firmware(firmware_names, device.board_type, device.app_version);
}

}  // namespace

HttpResponse ota_check(const HttpRequest& request, const RunningConfig& config,
                       const std::vector<std::string>& firmware_names, Metrics& metrics,
                       std::chrono::system_clock::time_point now,
                       const std::string& websocket_url) {
    const ServerSettings& settings = config.settings;
    const std::string device_id = request.header("Device-Id");
    if (request.method == "GET" && device_id.empty()) {
        metrics.ota_requests.add("status_page");
        return text_response(
            200, protocol::ota_status_text(config.websocket_url, settings.mqtt_gateway));
    }
    const protocol::OtaRequestParse parsed = protocol::parse_ota_request(
        {device_id, request.header("Client-Id"), request.header("User-Agent")}, request.body);
    if (!parsed.request) {
        metrics.ota_requests.add("error");
        log_info("ota_refused", "ota request refused",
                 {{"peer", request.peer_address}, {"reason", parsed.error}});
        return json_response(400, protocol::ota_error_json(parsed.error));
    }
    const protocol::OtaRequest& device = *parsed.request;
    const std::optional<protocol::FirmwareFile> offer = offer_for(device, firmware_names);

    protocol::OtaAnswer answer;
    answer.server_time_ms = unix_ms(now);
    answer.timezone_offset_minutes = settings.timezone_offset_minutes;
    answer.firmware =
        protocol::firmware_section_for(device.app_version, offer, config.download_base);
    if (!settings.mqtt_gateway.empty()) {
        answer.mqtt = protocol::make_mqtt_credentials(
            settings.mqtt_gateway, device.device_id, device.mqtt_model, settings.mqtt_signature_key,
            request.peer_address);
    } else {
        protocol::WebsocketSection websocket{
            websocket_url.empty() ? config.websocket_url : websocket_url, std::nullopt,
            settings.websocket_version};
        if (settings.auth.enabled) {
            websocket.token = protocol::make_token(settings.auth.key, device.client_id,
                                                   device.device_id, answer.server_time_ms / 1000);
        }
        answer.websocket = std::move(websocket);
    }
    metrics.ota_requests.add(answer.mqtt ? "mqtt" : "websocket");
    if (offer) metrics.ota_requests.add("firmware_offered");
    log_info("ota_answered", "ota answered",
             {{"device", device.device_id},
              {"model", device.board_type},
              {"version", device.app_version},
              {"offer", offer ? offer->version : std::string("none")},
              {"transport", answer.mqtt ? "mqtt" : "websocket"}});
    return json_response(200, protocol::ota_answer_json(answer));
}

HttpResponse firmware_download(std::string_view file, const RunningConfig& config) {
    const std::string name = percent_decode(file);
    if (!protocol::is_bare_file_name(name)) {
        return error_response(400, "not a bare file name");
    }
    const std::filesystem::path path = std::filesystem::path(config.settings.firmware_dir) / name;
    std::error_code error;
    // A symbolic link is not followed (it could lead out of the folder), nor is anything
    // that is not a regular file served.
    if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(path, error))) {
        return error_response(404, "no firmware file " + name);
    }
    HttpResponse response;
    response.content_type = "application/octet-stream";
    response.file_path = path.string();
    return response;
}

}  // namespace xiaozhi::server
