// The MQTT gateway credentials the reference server hands out in OTA answers.
#pragma once

#include <string>
#include <string_view>

namespace xiaozhi::protocol {

// The `mqtt` section of an OTA answer, computed as the Python server does.
struct MqttCredentials {
    std::string endpoint;       // server.mqtt_gateway, "host:port"
    std::string client_id;      // GID_<model>@@@<mac_>@@@<mac_>
    std::string username;       // base64 of {"ip": "<client ip>"} (Python json.dumps spacing)
    std::string password;       // base64 of HMAC-SHA256(signature key, client_id + "|" + username)
    std::string publish_topic;  // "device-server"
    std::string subscribe_topic;  // devices/p2p/<mac_>

    bool operator==(const MqttCredentials&) const = default;
};

// Credentials for device `device_id` (its MAC; ':' becomes '_' in ids and topics)
// of model `model` (':' and ' ' become '_'). The password is empty when
// `signature_key` is empty, as in the reference (the gateway then decides whether
// to accept devices without one). The reference writes "unknown" as the client ip.
MqttCredentials make_mqtt_credentials(std::string_view endpoint, std::string_view device_id,
                                      std::string_view model, std::string_view signature_key,
                                      std::string_view client_ip = "unknown");

}  // namespace xiaozhi::protocol
