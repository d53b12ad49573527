// firmware.url: firmware URLs are built from the vision URL, which must reach the HTTP listener.
#include <string>

#include "analysis/deployment_view.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/url_text.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

constexpr std::string_view vision_path = "/mcp/vision/explain";

const deploy::AdvertisedUrl* vision_url(const deploy::Model& model) {
    for (const auto& url : model.advertised) {
        if (url.kind == deploy::UrlKind::vision) return &url;
    }
    return nullptr;
}

std::string images_text(const std::vector<std::string>& files) {
    std::string text = std::to_string(files.size()) + (files.size() == 1 ? " image" : " images") +
                       " in data/bin (" + files.front();
    if (files.size() > 1) text += ", ...";
    return text + ")";
}

// Why firmware URLs built from `url` do not reach the HTTP listener, or "" when they do.
std::string wrong_place(const deploy::AdvertisedUrl* url, const Inputs& inputs,
                        std::string& fixed) {
    ServiceListeners listeners = service_listeners(inputs.model);
    const std::vector<int> ports = reach_ports(inputs.model, listeners.http);
    const std::string http_port =
        ports.empty() ? "<server.http_port>" : std::to_string(ports.front());
    fixed = "http://" + derived_host(inputs.host) + ":" + http_port + std::string(vision_path);
    if (!url || is_blank(url->text)) return "is empty, so they get an empty URL";
    auto parsed = deploy::parse_url(url->text);
    if (!parsed) return "";  // url.malformed says so
    const std::string_view path = parsed->path;
    if (path.size() < vision_path.size() ||
        path.substr(path.size() - vision_path.size()) != vision_path) {
        return "does not end in /mcp/vision/explain, so the reference cannot turn it into "
               "/xiaozhi/ota/download/<file> and devices are sent to the vision URL itself";
    }
    fixed = with_path(url->text, vision_path);
    if (parsed->scheme != "http" || !deploy::is_ip_literal(parsed->host) || ports.empty())
        return "";
    for (int port : ports) {
        if (port == parsed->port) return "";
    }
    fixed = with_port(url->text, ports.front());
    return "has port " + std::to_string(parsed->port) + ", but the HTTP server that serves " +
           "/xiaozhi/ota/download/ is reached on " + http_port;
}

}  // namespace

void check_firmware_urls(const Inputs& inputs, Findings& out) {
    const deploy::Model& model = inputs.model;
    if (model.runtime != deploy::Runtime::python || model.management_api ||
        model.firmware_files.empty()) {
        return;
    }
    const deploy::AdvertisedUrl* url = vision_url(model);
    if (url && url->derived) return;  // the HTTP listener's own address (checked as a URL)
    std::string fixed;
    const std::string problem = wrong_place(url, inputs, fixed);
    if (problem.empty()) return;
    const config::Origin origin =
        url ? url->origin : inputs.effective.origin_of("server.vision_explain");
    out.push_back(make_finding(
        "firmware.url", Severity::error,
        "devices are sent to the wrong place for firmware: the reference offers the " +
            images_text(model.firmware_files) +
            " at server.vision_explain with /mcp/vision/explain replaced by "
            "/xiaozhi/ota/download/<file>, and server.vision_explain (" +
            origin.to_string() + ") " + problem,
        "server.vision_explain", origin,
        "set server.vision_explain to " + fixed + " (the HTTP listener's vision endpoint)"));
}

}  // namespace xiaozhi::analysis
