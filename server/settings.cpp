// Reading ServerSettings from the effective configuration, with typed checks at each value's
// origin.
#include "settings.hpp"

#include <cmath>
#include <filesystem>

#include "config/input_error.hpp"
#include "deploy/upstream_urls.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::server {

namespace {

using config::Effective;
using config::InputError;
using config::Kind;

std::int64_t integer(const Effective& effective, std::string_view key, std::int64_t fallback,
                     std::int64_t low, std::int64_t high) {
    const config::Entry* entry = effective.entry(key);
    if (entry == nullptr || entry->value.kind == Kind::null) return fallback;
    if (entry->value.kind != Kind::integer || entry->value.integer < low ||
        entry->value.integer > high) {
        throw InputError(entry->value.pos, std::string(key) + " must be an integer in " +
                                               std::to_string(low) + ".." + std::to_string(high));
    }
    return entry->value.integer;
}

std::string text(const Effective& effective, std::string_view key) {
    const config::Entry* entry = effective.entry(key);
    if (entry == nullptr || entry->value.kind == Kind::null) return {};
    if (entry->value.kind != Kind::string) {
        throw InputError(entry->value.pos, std::string(key) + " must be a string");
    }
    return entry->value.text;
}

bool flag(const Effective& effective, std::string_view key, bool fallback) {
    const config::Entry* entry = effective.entry(key);
    if (entry == nullptr || entry->value.kind == Kind::null) return fallback;
    if (entry->value.kind != Kind::boolean) {
        throw InputError(entry->value.pos, std::string(key) + " must be true or false");
    }
    return entry->value.boolean;
}

std::vector<std::string> strings(const Effective& effective, std::string_view key) {
    const config::Node* node = effective.get(key);
    if (node == nullptr || node->kind == Kind::null) return {};
    if (node->kind != Kind::list) throw InputError(node->pos, std::string(key) + " must be a list");
    std::vector<std::string> out;
    for (const auto& item : node->items) {
        if (item.kind == Kind::null) continue;
        if (!item.is_scalar() || item.kind == Kind::map) {
            throw InputError(item.pos, std::string(key) + " entries must be strings");
        }
        out.push_back(item.text);
    }
    return out;
}

// A configured URL, or "" when it is unset or still the template text.
std::string configured_url(const Effective& effective, std::string_view key) {
    std::string url = text(effective, key);
    return deploy::is_placeholder(url) ? std::string{} : url;
}

// server.timezone_offset in hours (8, +8, 5.5, "+8", "-3.5") as minutes.
int timezone_minutes(const Effective& effective) {
    const config::Entry* entry = effective.entry("server.timezone_offset");
    if (entry == nullptr || entry->value.kind == Kind::null) return 480;
    const config::Node& value = entry->value;
    double hours = 0;
    if (value.kind == Kind::integer) {
        hours = static_cast<double>(value.integer);
    } else if (value.kind == Kind::floating || value.kind == Kind::string) {
        std::size_t used = 0;
        try {
            hours = std::stod(value.text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != value.text.size()) {
            throw InputError(value.pos, "server.timezone_offset must be a number of hours");
        }
    } else {
        throw InputError(value.pos, "server.timezone_offset must be a number of hours");
    }
    if (hours < -14 || hours > 14) {
        throw InputError(value.pos, "server.timezone_offset must be within -14..14 hours");
    }
    return static_cast<int>(std::lround(hours * 60));
}

PortFallback fallback_policy(const Effective& effective) {
    const std::string policy = text(effective, "server.port_fallback");
    if (policy.empty() || policy == "fail") return PortFallback::fail;
    if (policy == "next") return PortFallback::next;
    if (policy == "any") return PortFallback::any;
    throw InputError(effective.origin_of("server.port_fallback").pos,
                     "server.port_fallback must be fail, next or any, not '" + policy + "'");
}

std::string resolved(const std::string& base_dir, const std::string& path) {
    const std::filesystem::path value(path);
    if (value.is_absolute() || base_dir.empty()) return value.lexically_normal().string();
    return (std::filesystem::path(base_dir) / value).lexically_normal().string();
}

// server.auth_key, else manager-api.secret, when they hold a real value.
std::string auth_key(const Effective& effective) {
    for (const char* key : {"server.auth_key", "manager-api.secret"}) {
        const std::string value = text(effective, key);
        if (!value.empty() && !deploy::is_placeholder(value)) return value;
    }
    return {};
}

std::string node_text(const config::Node& node, const std::string& key) {
    if (node.kind != Kind::string) throw InputError(node.pos, key + " must be a string");
    return node.text;
}

// server.tls.certificates: a list of {cert, key, names}.
std::vector<TlsCertificateFiles> sni_certificates(const Effective& effective,
                                                  const std::string& base_dir) {
    const config::Node* list = effective.get("server.tls.certificates");
    if (list == nullptr || list->kind == Kind::null) return {};
    if (list->kind != Kind::list) {
        throw InputError(list->pos, "server.tls.certificates must be a list of {cert, key}");
    }
    std::vector<TlsCertificateFiles> out;
    for (std::size_t i = 0; i < list->items.size(); ++i) {
        const config::Node& item = list->items[i];
        const std::string key = "server.tls.certificates[" + std::to_string(i) + "]";
        if (!item.is_map()) throw InputError(item.pos, key + " must be a map with cert and key");
        const config::Node* cert = item.find("cert");
        const config::Node* private_key = item.find("key");
        if (cert == nullptr || private_key == nullptr) {
            throw InputError(item.pos, key + " needs both cert and key");
        }
        TlsCertificateFiles files;
        files.cert = resolved(base_dir, node_text(*cert, key + ".cert"));
        files.key = resolved(base_dir, node_text(*private_key, key + ".key"));
        files.key_name = key;
        if (const config::Node* names = item.find("names"); names != nullptr) {
            if (names->kind != Kind::list)
                throw InputError(names->pos, key + ".names must be a list");
            for (const auto& name : names->items)
                files.names.push_back(node_text(name, key + ".names"));
        }
        out.push_back(std::move(files));
    }
    return out;
}

TlsSettings tls_settings(const Effective& effective, const std::string& base_dir) {
    TlsSettings tls;
    const std::string cert = text(effective, "server.tls.cert");
    const std::string key = text(effective, "server.tls.key");
    if (cert.empty() != key.empty()) {
        const char* missing = cert.empty() ? "server.tls.cert" : "server.tls.key";
        throw InputError(
            effective.origin_of(cert.empty() ? "server.tls.key" : "server.tls.cert").pos,
            std::string("TLS needs both server.tls.cert and server.tls.key; ") + missing +
                " is not set");
    }
    if (!cert.empty()) {
        tls.main.cert = resolved(base_dir, cert);
        tls.main.key = resolved(base_dir, key);
        tls.main.key_name = "server.tls";
    }
    tls.sni = sni_certificates(effective, base_dir);
    tls.port = static_cast<int>(integer(effective, "server.tls.port", 0, 1, 65535));
    for (const std::string& listener : strings(effective, "server.tls.listeners")) {
        if (listener == "websocket") {
            tls.websocket = true;
        } else if (listener == "http") {
            tls.http = true;
        } else {
            throw InputError(
                effective.origin_of("server.tls.listeners").pos,
                "server.tls.listeners entries are websocket or http, not '" + listener + "'");
        }
    }
    if ((tls.port != 0 || tls.websocket || tls.http || !tls.sni.empty()) && cert.empty()) {
        throw InputError(
            effective.origin_of(tls.port != 0 ? "server.tls.port" : "server.tls.listeners").pos,
            "a TLS listener needs server.tls.cert and server.tls.key");
    }
    tls.handshake_timeout =
        std::chrono::seconds(integer(effective, "server.tls.handshake_timeout", 10, 1, 3600));
    tls.watch_interval =
        std::chrono::seconds(integer(effective, "server.tls.watch_interval", 5, 1, 3600));
    return tls;
}

ServerSettings::Backend backend(const Effective& effective) {
    const std::string word = text(effective, "server.backend");
    if (word.empty() || word == "echo") return ServerSettings::Backend::echo;
    if (word == "relay") return ServerSettings::Backend::relay;
    throw InputError(effective.origin_of("server.backend").pos,
                     "server.backend must be echo or relay, not '" + word + "'");
}

UpstreamSettings::HealthCheck health_check(const Effective& effective) {
    const std::string word = text(effective, "upstream.health");
    if (word.empty() || word == "http") return UpstreamSettings::HealthCheck::http;
    if (word == "hello") return UpstreamSettings::HealthCheck::hello;
    throw InputError(effective.origin_of("upstream.health").pos,
                     "upstream.health must be http or hello, not '" + word + "'");
}

UpstreamSettings::OtaFallback ota_fallback(const Effective& effective) {
    const std::string word = text(effective, "upstream.ota_fallback");
    if (word.empty() || word == "local") return UpstreamSettings::OtaFallback::local;
    if (word == "fail") return UpstreamSettings::OtaFallback::fail;
    throw InputError(effective.origin_of("upstream.ota_fallback").pos,
                     "upstream.ota_fallback must be local or fail, not '" + word + "'");
}

void require_usable(const deploy::UpstreamEntry& entry) {
    if (entry.problem != deploy::UpstreamProblem::none) {
        throw InputError(entry.pos, deploy::upstream_problem_text(entry));
    }
}

FleetSettings fleet_settings(const Effective& effective) {
    FleetSettings fleet;
    const config::Node* list = effective.get("fleet.etcd");
    if (list != nullptr && list->kind == Kind::string) {
        throw InputError(list->pos, "fleet.etcd must be a list of http:// URLs");
    }
    for (const std::string& member : strings(effective, "fleet.etcd")) {
        deploy::UrlError problem;
        const auto url = deploy::parse_url(member, &problem);
        if (!url || url->scheme != "http") {
            throw InputError(effective.origin_of("fleet.etcd").pos,
                             "fleet.etcd entry \"" + member + "\" must be an http:// URL");
        }
        fleet.etcd.push_back(*url);
    }
    if (const std::string name = text(effective, "fleet.name"); !name.empty()) {
        if (name.find_first_of("/ ") != std::string::npos) {
            throw InputError(effective.origin_of("fleet.name").pos,
                             "fleet.name must not hold '/' or spaces");
        }
        fleet.name = name;
    }
    fleet.instance = text(effective, "fleet.instance");
    fleet.lease_ttl = std::chrono::seconds(integer(effective, "fleet.lease_ttl", 10, 2, 300));
    if (const std::string balance = text(effective, "fleet.balance"); !balance.empty()) {
        if (balance != "least-loaded" && balance != "self") {
            throw InputError(effective.origin_of("fleet.balance").pos,
                             "fleet.balance must be least-loaded or self, not '" + balance + "'");
        }
        fleet.balance = balance == "self" ? fleet::Balance::self : fleet::Balance::least_loaded;
    }
    fleet.sticky = flag(effective, "fleet.sticky", false);
    fleet.user = text(effective, "fleet.user");
    fleet.password = text(effective, "fleet.password");
    if (fleet.user.empty() != fleet.password.empty()) {
        throw InputError(
            effective.origin_of(fleet.user.empty() ? "fleet.password" : "fleet.user").pos,
            "fleet.user and fleet.password go together");
    }
    return fleet;
}

UpstreamSettings upstream_settings(const Effective& effective, const std::string& base_dir) {
    UpstreamSettings upstream;
    for (const deploy::UpstreamEntry& entry : deploy::upstream_websocket_entries(effective)) {
        require_usable(entry);
        upstream.websocket.push_back({entry.url, *entry.parsed, entry.weight});
    }
    upstream.auth_key = text(effective, "upstream.auth_key");
    if (const std::string ca = text(effective, "upstream.ca"); !ca.empty()) {
        upstream.ca = resolved(base_dir, ca);
    }
    upstream.health = health_check(effective);
    upstream.health_interval =
        std::chrono::seconds(integer(effective, "upstream.health_interval", 5, 1, 3600));
    upstream.fall = static_cast<int>(integer(effective, "upstream.fall", 3, 1, 100));
    upstream.rise = static_cast<int>(integer(effective, "upstream.rise", 2, 1, 100));
    upstream.sticky = flag(effective, "upstream.sticky", false);
    upstream.drain_timeout =
        std::chrono::seconds(integer(effective, "upstream.drain_timeout", 60, 0, 86400));
    upstream.connect_timeout =
        std::chrono::seconds(integer(effective, "upstream.connect_timeout", 5, 1, 60));
    upstream.ota = text(effective, "upstream.ota");
    if (const auto ota = deploy::upstream_ota_entry(effective)) {
        require_usable(*ota);
        upstream.ota_parsed = ota->parsed;
    }
    upstream.ota_fallback = ota_fallback(effective);
    upstream.ota_timeout =
        std::chrono::seconds(integer(effective, "upstream.ota_timeout", 5, 1, 60));
    return upstream;
}

}  // namespace

ServerSettings read_server_settings(const config::Effective& effective,
                                    const std::string& base_dir) {
    ServerSettings s;
    const std::string ip = text(effective, "server.ip");
    if (!ip.empty()) s.bind_address = ip;
    s.websocket_port = static_cast<int>(integer(effective, "server.port", 8000, 1, 65535));
    s.http_port = static_cast<int>(integer(effective, "server.http_port", 8003, 1, 65535));
    s.port_fallback = fallback_policy(effective);
    s.port_fallback_range =
        static_cast<int>(integer(effective, "server.port_fallback_range", 10, 1, 1000));
    s.advertise_host = text(effective, "server.advertise_host");
    s.configured_websocket = configured_url(effective, "server.websocket");
    s.configured_vision = configured_url(effective, "server.vision_explain");
    const std::string state_dir = text(effective, "server.state_dir");
    s.state_dir = resolved(base_dir, state_dir.empty() ? "data/state" : state_dir);
    const std::string firmware_dir = text(effective, "server.firmware_dir");
    s.firmware_dir = resolved(base_dir, firmware_dir.empty() ? "data/bin" : firmware_dir);
    s.hello_timeout = std::chrono::seconds(integer(effective, "server.hello_timeout", 10, 1, 3600));
    s.request_head_timeout =
        std::chrono::seconds(integer(effective, "server.request_head_timeout", 10, 1, 3600));
    s.max_connections =
        static_cast<int>(integer(effective, "server.max_connections", 10000, 1, 1000000));
    s.max_message_size = static_cast<std::size_t>(
        integer(effective, "server.max_message_size", 65536, 64, 64 * 1024 * 1024));
    s.send_queue_limit =
        static_cast<std::size_t>(integer(effective, "server.send_queue_limit", 64, 1, 100000));
    s.max_turn_bytes = static_cast<std::size_t>(
        integer(effective, "server.max_turn_bytes", 384 * 1024, 4096, 64 * 1024 * 1024));
    s.max_turn_time =
        std::chrono::seconds(integer(effective, "server.max_turn_seconds", 60, 1, 3600));
    s.idle_timeout = std::chrono::seconds(
        integer(effective, "close_connection_no_voice_time", 120, 1, 7 * 24 * 3600));
    s.websocket_ping = flag(effective, "enable_websocket_ping", false);
    s.websocket_ping_interval =
        std::chrono::seconds(integer(effective, "server.websocket_ping_interval", 30, 1, 3600));
    s.auth.enabled = flag(effective, "server.auth.enabled", false);
    s.auth.key = auth_key(effective);
    s.auth.allowed_devices = strings(effective, "server.auth.allowed_devices");
    s.auth.expire_seconds =
        integer(effective, "server.auth.expire_seconds", 2592000, 1, 10LL * 365 * 24 * 3600);
    s.admin_token = text(effective, "server.admin_token");
    s.admin_allow = strings(effective, "server.admin_allow");
    s.mqtt_gateway = text(effective, "server.mqtt_gateway");
    s.mqtt_signature_key = text(effective, "server.mqtt_signature_key");
    s.timezone_offset_minutes = timezone_minutes(effective);
    if (const config::Entry* version = effective.entry("server.websocket_version");
        version != nullptr && version->value.kind != Kind::null) {
        s.websocket_version =
            static_cast<int>(integer(effective, "server.websocket_version", 1, 1, 3));
    }
    s.audio_params = protocol::server_audio_params(effective);
    s.echo_transcode = flag(effective, "echo.transcode", false);
    s.tls = tls_settings(effective, base_dir);
    s.backend = backend(effective);
    s.upstream = upstream_settings(effective, base_dir);
    s.fleet = fleet_settings(effective);
    if (s.backend == ServerSettings::Backend::relay && s.upstream.websocket.empty()) {
        throw InputError(effective.origin_of("server.backend").pos,
                         "server.backend is relay, but upstream.websocket lists no upstream");
    }
    return s;
}

}  // namespace xiaozhi::server
