// The OTA check a device sends at boot (headers and system-info body): reading and building it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::protocol {

// What the server needs from an OTA request.
struct OtaRequest {
    std::string device_id;    // `Device-Id` header: the MAC, "aa:bb:cc:dd:ee:ff"
    std::string client_id;    // `Client-Id` header: a UUID the device generated
    std::string user_agent;   // `User-Agent`: "board-name/version" (may be empty)
    std::string app_version;  // body application.version ("" when absent)
    std::string board_type;   // body board.type: the model firmware files are named after
    // The model the reference puts in the MQTT group id: body device.model, else
    // body model, else "default".
    std::string mqtt_model = "default";
};

// The headers parse_ota_request reads (the HTTP layer fills them; absent = empty).
struct OtaRequestHeaders {
    std::string device_id;
    std::string client_id;
    std::string user_agent;
};

// An OtaRequest, or the message of the JSON error answer.
struct OtaRequestParse {
    std::optional<OtaRequest> request;
    std::string error;
};

// Whether `text` looks like a MAC address as the management API accepts it: six
// pairs of ASCII letters or digits separated by ':' or '-'.
bool is_mac_like(std::string_view text);

// Validates the headers and reads the body. Errors: a missing `Device-Id` or
// `Client-Id`, a `Device-Id` that is not MAC-like, a `Client-Id` longer than 128
// bytes or holding control characters, a body that is not a JSON object (an empty
// body, as a GET sends, is accepted and leaves the body fields empty). Body fields
// of the wrong type are ignored. Never throws.
OtaRequestParse parse_ota_request(const OtaRequestHeaders& headers, std::string_view body);

// A system-info body shaped like the firmware's (application, board, chip and
// memory fields) carrying `request`'s version, board type and MAC, and the client
// id as `uuid`. The simulator posts it.
std::string ota_request_body(const OtaRequest& request);

}  // namespace xiaozhi::protocol
