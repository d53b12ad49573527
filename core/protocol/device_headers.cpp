// ota_request_headers and websocket_request_headers: what the firmware puts on the wire.
#include "protocol/device_headers.hpp"

namespace xiaozhi::protocol {

HeaderList ota_request_headers(const OtaRequest& request) {
    HeaderList headers = {{"Device-Id", request.device_id}, {"Client-Id", request.client_id}};
    if (!request.user_agent.empty()) headers.emplace_back("User-Agent", request.user_agent);
    headers.emplace_back("Accept-Language", "zh-CN");
    headers.emplace_back("Activation-Version", "1");
    headers.emplace_back("Content-Type", "application/json");
    return headers;
}

HeaderList websocket_request_headers(const std::string& device_id, const std::string& client_id,
                                     BinaryProtocol version, const std::string& token) {
    HeaderList headers;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    headers.emplace_back("Protocol-Version", std::to_string(static_cast<int>(version)));
    headers.emplace_back("Device-Id", device_id);
    headers.emplace_back("Client-Id", client_id);
    return headers;
}

}  // namespace xiaozhi::protocol
