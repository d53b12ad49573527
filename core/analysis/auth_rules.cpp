// auth.weak-secret and auth.placeholder-secret: the secrets tokens and the management API rely on.
#include <string>

#include "analysis/deployment_view.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

// Whether a secret is still the template's: "你的...", "your ...", "placeholder", "null".
bool is_placeholder_secret(std::string_view secret) {
    std::string text = lower(secret);
    return text.find("你的") != std::string::npos || text.find("your") != std::string::npos ||
           text.find("placeholder") != std::string::npos || text == "null" ||
           deploy::is_placeholder(secret);
}

// A secret that is set, not blank and not a placeholder.
bool usable_secret(const config::Effective& effective, std::string_view key) {
    auto secret = configured_string(effective, key);
    return secret && !is_placeholder_secret(*secret);
}

std::string secret_state(const config::Effective& effective, std::string_view key) {
    if (!effective.get(key) || effective.get(key)->kind == config::Kind::null) return "not set";
    return configured_string(effective, key) ? "still a placeholder" : "empty";
}

void check_auth_key(const Inputs& inputs, Findings& out) {
    const config::Effective& effective = inputs.effective;
    if (effective.get_bool("server.auth.enabled") != true) return;
    if (usable_secret(effective, "server.auth_key")) return;
    // The reference falls back to manager-api.secret before making up a random key.
    if (usable_secret(effective, "manager-api.secret")) return;
    bool key_written = effective.entry("server.auth_key") != nullptr &&
                       effective.origin_of("server.auth_key").layer != "default";
    config::Origin origin = key_written ? effective.origin_of("server.auth_key")
                                        : effective.origin_of("server.auth.enabled");
    out.push_back(make_finding(
        "auth.weak-secret", Severity::warning,
        "server.auth.enabled is true (" + effective.origin_of("server.auth.enabled").to_string() +
            ") but server.auth_key is " + secret_state(effective, "server.auth_key") +
            (key_written ? " (" + origin.to_string() + ")" : std::string()) +
            ", so the server signs tokens with a new random key at each start and every issued "
            "token stops working",
        "server.auth_key", origin,
        "set server.auth_key to a long random string, e.g. the output of `openssl rand -hex 32`"));
}

// The reference's own test (manage_api_client.py): a secret with "你" in it is the template.
bool usable_manager_secret(const config::Effective& effective) {
    auto secret = configured_string(effective, "manager-api.secret");
    return usable_secret(effective, "manager-api.secret") &&
           secret->find("你") == std::string::npos;
}

void check_manager_secret(const Inputs& inputs, Findings& out) {
    const config::Effective& effective = inputs.effective;
    if (!manager_api_configured(effective)) return;
    if (usable_manager_secret(effective)) return;
    bool secret_written = effective.entry("manager-api.secret") != nullptr;
    config::Origin origin = secret_written ? effective.origin_of("manager-api.secret")
                                           : effective.origin_of("manager-api.url");
    out.push_back(make_finding(
        "auth.placeholder-secret", Severity::error,
        "manager-api.url is set (" + effective.origin_of("manager-api.url").to_string() +
            ") but manager-api.secret is " + secret_state(effective, "manager-api.secret") +
            (secret_written ? " (" + origin.to_string() + ")" : std::string()) +
            ", so the management API will refuse the server's requests",
        "manager-api.secret", origin,
        "set manager-api.secret to the server.secret value shown in the management console"));
}

}  // namespace

void check_auth(const Inputs& inputs, Findings& out) {
    check_auth_key(inputs, out);
    check_manager_secret(inputs, out);
}

}  // namespace xiaozhi::analysis
