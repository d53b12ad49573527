// mqtt.endpoint: server.mqtt_gateway and server.udp_gateway must be host:port.
#include <string>

#include "analysis/deployment_view.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

struct GatewayKey {
    const char* key;
    const char* what;
    int usual_port;
};

// The host part of a value that lacks a port, for the suggestion.
std::string host_part(const std::string& text) {
    std::size_t start = text.find("://");
    std::string host = start == std::string::npos ? text : text.substr(start + 3);
    std::size_t end = host.find_first_of(":/");
    return end == std::string::npos ? host : host.substr(0, end);
}

}  // namespace

void check_gateway_endpoints(const Inputs& inputs, Findings& out) {
    static constexpr GatewayKey gateways[] = {
        {"server.mqtt_gateway", "MQTT gateway", 1883},
        {"server.udp_gateway", "UDP audio gateway", 8884},
    };
    for (const auto& gateway : gateways) {
        auto text = configured_string(inputs.effective, gateway.key);
        if (!text) continue;
        deploy::UrlError error;
        if (deploy::parse_endpoint(*text, false, 8883, &error)) continue;
        config::Origin origin = inputs.effective.origin_of(gateway.key);
        std::string host = host_part(*text);
        if (host.empty()) host = "gateway.example";
        out.push_back(make_finding(
            "mqtt.endpoint", Severity::error,
            std::string(gateway.key) + " " + quote_text(*text) + " (" + origin.to_string() +
                ") is not host:port" + (error.message.empty() ? "" : " (" + error.message + ")") +
                ", so devices cannot be told where the " + gateway.what + " is",
            gateway.key, origin,
            "write it as " + host + ":" + std::to_string(gateway.usual_port) + " (the " +
                gateway.what + "'s default port)"));
    }
}

}  // namespace xiaozhi::analysis
