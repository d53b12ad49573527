// The HTTP headers a device sends with its OTA request and its WebSocket upgrade.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "protocol/binary_frame.hpp"
#include "protocol/ota_request.hpp"

namespace xiaozhi::protocol {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// As the firmware's OTA POST: Device-Id, Client-Id, User-Agent (when set),
// Accept-Language, Activation-Version and Content-Type.
HeaderList ota_request_headers(const OtaRequest& request);

// As the firmware's WebSocket upgrade: Authorization (a bearer `token`, when not
// empty), Protocol-Version, Device-Id and Client-Id.
HeaderList websocket_request_headers(const std::string& device_id, const std::string& client_id,
                                     BinaryProtocol version, const std::string& token);

}  // namespace xiaozhi::protocol
