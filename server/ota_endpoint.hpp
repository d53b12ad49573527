// The device-facing HTTP endpoints: the OTA check (/xiaozhi/ota/) and firmware downloads.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "http_message.hpp"
#include "metrics.hpp"
#include "running_config.hpp"

namespace xiaozhi::server {

// The answer to a GET or POST on /xiaozhi/ota/ (PROTOCOL.md §3): a GET without
// Device-Id is a browser and gets the status text; a missing or invalid Device-Id or
// Client-Id is a 400 with {"success":false,"message":...}; otherwise the OTA answer
// JSON with server_time, firmware (the newest <model>_<version>.bin above the
// device's version among `firmware_names`, the files of settings.firmware_dir) and websocket (url,
// token when auth is on, version when configured) or mqtt (when server.mqtt_gateway is set). Counts
// metrics.ota_requests by outcome. `websocket_url` is the address handed out (a fleet
// instance's); empty: config.websocket_url.
HttpResponse ota_check(const HttpRequest& request, const RunningConfig& config,
                       const std::vector<std::string>& firmware_names, Metrics& metrics,
                       std::chrono::system_clock::time_point now,
                       const std::string& websocket_url = {});

// GET /xiaozhi/ota/download/<file>: `file` (still percent-encoded, as in the path) must
// decode to a bare file name (else 400) of a regular file in settings.firmware_dir
// (else 404); the answer streams it (HttpResponse::file_path).
HttpResponse firmware_download(std::string_view file, const RunningConfig& config);

}  // namespace xiaozhi::server
