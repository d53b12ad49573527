// MQTT client id, username and HMAC password in the reference server's scheme.
#include "protocol/mqtt_credentials.hpp"

#include <nlohmann/json.hpp>

#include "protocol/crypto.hpp"
#include "protocol/json_input.hpp"

namespace xiaozhi::protocol {

namespace {

std::string replace_chars(std::string_view text, std::string_view from, char to) {
    std::string out(text);
    for (char& c : out) {
        if (from.find(c) != std::string_view::npos) c = to;
    }
    return out;
}

}  // namespace

MqttCredentials make_mqtt_credentials(std::string_view endpoint, std::string_view device_id,
                                      std::string_view model, std::string_view signature_key,
                                      std::string_view client_ip) {
    const std::string mac = replace_chars(device_id, ":", '_');
    MqttCredentials credentials;
    credentials.endpoint = endpoint;
    credentials.client_id =
        replace_chars("GID_" + std::string(model), ": ", '_') + "@@@" + mac + "@@@" + mac;
    // json.dumps({"ip": ...}) separates key and value with ": ".
    credentials.username =
        base64_encode("{\"ip\": " + dump_text(nlohmann::json(std::string(client_ip))) + "}");
    if (!signature_key.empty()) {
        credentials.password = base64_encode(
            hmac_sha256(signature_key, credentials.client_id + "|" + credentials.username));
    }
    credentials.publish_topic = "device-server";
    credentials.subscribe_topic = "devices/p2p/" + mac;
    return credentials;
}

}  // namespace xiaozhi::protocol
