// Acting as a device after a change: the OTA answer, the WebSocket hello, the firmware offer.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin_client.hpp"
#include "push_rules.hpp"

namespace xiaozhi::client {

// The test device ota-push poses as: a locally administered MAC and a fixed UUID.
inline constexpr std::string_view test_device_id = "02:00:00:00:00:01";
inline constexpr std::string_view test_client_id = "00000000-0000-4000-8000-0000000000a1";

struct Verification {
    enum class Status { skipped, passed, failed };
    Status status = Status::skipped;
    bool server_unreachable = false;  // the OTA request itself got no answer
    std::string websocket_url;        // what the OTA answer carried
    std::string expected;             // what it had to carry
    std::string session_id;           // from the server's hello
    std::string note;                 // passed with a remark (e.g. MQTT handed out)
    std::string error;                // why it failed

    nlohmann::json to_json() const;
};

// "skipped", "passed", "failed".
std::string_view status_name(Verification::Status status);

// OTA POST as the test device, the answer's websocket.url checked against `expected`,
// then a WebSocket connection to it with the device's hello, answered within
// `hello_timeout`. Never throws.
// In a fleet (`instances` not empty: each instance's id and advertised WebSocket URL, as
// the push answered them) the OTA answer must hand out one of those URLs, and every one
// of them must answer the device's hello.
struct FleetInstance {
    std::string id;
    std::string websocket_url;
};
Verification verify_device_path(const AdminClient& client, const ExpectedWebsocket& expected,
                                std::chrono::milliseconds hello_timeout,
                                const std::vector<FleetInstance>& instances = {});

struct FirmwareOffer {
    Verification::Status status = Verification::Status::skipped;
    bool server_unreachable = false;
    std::string device_version;  // what the test device claimed to run
    std::string offered_version;
    std::string url;
    std::int64_t content_length = -1;
    std::string error;

    nlohmann::json to_json() const;
};

// OTA POST as a device of `model` running a lower version: the answer must offer
// `version` with a URL whose HEAD answers Content-Length `size`. Never throws.
FirmwareOffer verify_firmware_offer(const AdminClient& client, const std::string& model,
                                    const std::string& version, std::uint64_t size,
                                    std::chrono::milliseconds timeout);

}  // namespace xiaozhi::client
