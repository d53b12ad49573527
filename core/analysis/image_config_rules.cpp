// compose.config-not-mounted: config.yaml values a container of the release image never reads.
#include <string>

#include "analysis/rule_families.hpp"
#include "analysis/wording.hpp"

namespace xiaozhi::analysis {

namespace {

// The server section of upstream's config.yaml, which the release image carries.
struct ImageValue {
    const char* key;
    const char* text;  // as the reference reads it; nullptr for null
};
constexpr ImageValue image_values[] = {
    {"server.ip", "0.0.0.0"},
    {"server.port", "8000"},
    {"server.http_port", "8003"},
    {"server.websocket", "ws://你的ip或者域名:端口号/xiaozhi/v1/"},
    {"server.vision_explain", "http://你的ip或者域名:端口号/mcp/vision/explain"},
    {"server.auth.enabled", "false"},
    {"server.mqtt_gateway", nullptr},
    {"server.mqtt_signature_key", nullptr},
    {"server.udp_gateway", nullptr},
};

bool from_folder_config(const config::Origin& origin) {
    const std::string& file = origin.pos.file;
    return origin.layer == "file" && (file == "config.yaml" || file.ends_with("/config.yaml"));
}

bool same_as_image(const config::Node& value, const ImageValue& image) {
    if (!image.text) return value.kind == config::Kind::null;
    if (value.kind == config::Kind::string) return value.text == image.text;
    return value.is_scalar() && value.render() == image.text;
}

std::string image_text(const ImageValue& image) {
    return image.text ? quote_text(image.text) : std::string("null");
}

}  // namespace

void check_image_config(const Inputs& inputs, Findings& out) {
    const deploy::Model& model = inputs.model;
    if (model.runtime != deploy::Runtime::python || model.management_api || !model.image_config) {
        return;
    }
    for (const ImageValue& image : image_values) {
        const config::Entry* entry = inputs.effective.entry(image.key);
        if (!entry || !from_folder_config(entry->origin) || same_as_image(entry->value, image)) {
            continue;
        }
        out.push_back(make_finding(
            "compose.config-not-mounted", Severity::error,
            std::string(image.key) + " " + shown_value(image.key, entry->value) + " (" +
                entry->origin.to_string() + ") never reaches the container of service " +
                model.server_service +
                ": the release image runs its own config.yaml and compose mounts only ./data, so "
                "the server uses " +
                image_text(image),
            image.key, entry->origin,
            "move " + std::string(image.key) +
                " to data/.config.yaml, which the container reads over its config.yaml"));
    }
}

}  // namespace xiaozhi::analysis
