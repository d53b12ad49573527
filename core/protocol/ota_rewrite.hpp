// An upstream's OTA answer as serve hands it on: only the WebSocket address (and token) replaced.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::protocol {

// What was found in the upstream's answer besides the replaced address.
struct RewrittenOta {
    std::string body;                    // the answer to send, compact JSON
    std::string upstream_websocket_url;  // what the upstream had put in websocket.url ("" none)
    std::string firmware_url;            // firmware.url, to be checked ("" none)
    bool had_websocket = false;          // the answer has a websocket section (not mqtt only)
};

// `body` (the upstream's JSON answer) with websocket.url set to `url` and, when `token` is
// given, websocket.token set to it; activation, firmware, server_time, mqtt, unknown fields and
// the websocket section's other fields untouched. An answer without a websocket section is
// handed on unchanged. nullopt when `body` is not a JSON object.
std::optional<RewrittenOta> rewrite_ota_answer(std::string_view body, const std::string& url,
                                               const std::optional<std::string>& token);

}  // namespace xiaozhi::protocol
