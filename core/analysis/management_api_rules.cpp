// config.management-api, config.ignored-key: what the reference reads with manager-api.url set.
#include <string>

#include "analysis/rule_families.hpp"
#include "analysis/wording.hpp"

namespace xiaozhi::analysis {

namespace {

constexpr const char* kept_keys =
    "manager-api, prompt_template and server.ip, port, http_port, vision_explain and auth_key";

void check_ignored(const Inputs& inputs, Findings& out) {
    const std::string url_origin = inputs.effective.origin_of("manager-api.url").to_string();
    for (const config::IgnoredValue& ignored : inputs.model.ignored) {
        const config::Origin origin{"file", ignored.pos};
        if (ignored.key == "selected_module") {
            out.push_back(make_finding(
                "config.ignored-key", Severity::error,
                "selected_module (" + origin.to_string() + ") with manager-api.url set (" +
                    url_origin +
                    ") makes the reference refuse to start (settings.check_config_file: the "
                    "file holds both management-console and local configuration)",
                ignored.key, origin,
                "keep only manager-api (url, secret) in this file, as upstream's "
                "config_from_api.yaml does, and choose the modules in the management console"));
            continue;
        }
        const bool server_key = ignored.key.starts_with("server.");
        out.push_back(make_finding(
            "config.ignored-key", server_key ? Severity::warning : Severity::info,
            ignored.key + " (" + origin.to_string() + ") is ignored: with manager-api.url set (" +
                url_origin +
                ") the reference takes its configuration from the management API and reads "
                "only " +
                kept_keys + " from this file",
            ignored.key, origin,
            server_key ? "set " + ignored.key +
                             " in the management console (parameter management) and remove it "
                             "here"
                       : "configure it in the management console, or remove it here"));
    }
}

}  // namespace

void check_management_api(const Inputs& inputs, Findings& out) {
    // How the reference reads its folder; serve's own configuration keeps its rules.
    if (inputs.model.runtime != deploy::Runtime::python || !inputs.model.management_api) return;
    check_ignored(inputs, out);
    if (inputs.model.remote_loaded) return;
    const config::Origin origin = inputs.effective.origin_of("manager-api.url");
    out.push_back(make_finding(
        "config.management-api", Severity::info,
        "manager-api.url is set (" + origin.to_string() +
            "): the reference reads its configuration from the management API, and devices get "
            "the WebSocket address set in the management console (parameter server.websocket), "
            "handed out by the management API's OTA endpoint; it cannot be checked offline",
        "manager-api.url", origin,
        "export the management API's configuration and check it with --remote FILE"));
}

}  // namespace xiaozhi::analysis
