// The schema: known keys with their types, top-level sections, legacy keys, secrets and type
// checks.
#include "config/schema.hpp"

#include <algorithm>
#include <cctype>

namespace xiaozhi::config {

namespace {

using enum ValueType;

const std::vector<std::string_view>& owned_sections() {
    static const std::vector<std::string_view> sections = {
        "server", "xiaozhi", "manager-api", "log", "echo", "upstream", "fleet"};
    return sections;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view last_segment(std::string_view dotted) {
    const std::size_t dot = dotted.rfind('.');
    return dot == std::string_view::npos ? dotted : dotted.substr(dot + 1);
}

}  // namespace

std::string_view value_type_name(ValueType type) {
    switch (type) {
        case any:
            return "any";
        case boolean:
            return "boolean";
        case integer:
            return "integer";
        case number:
            return "number";
        case string:
            return "string";
        case port:
            return "port";
        case string_list:
            return "list of strings";
        case map:
            return "map";
        case nullable_string:
            return "string or null";
    }
    return "any";
}

const std::vector<KeySpec>& known_keys() {
    static const std::vector<KeySpec> keys = {
        {"server", map, "the device-facing server"},
        {"server.ip", string, "bind address for the WebSocket and HTTP listeners"},
        {"server.port", port, "WebSocket listen port"},
        {"server.http_port", port, "HTTP listen port (OTA, vision, downloads)"},
        {"server.websocket", string, "WebSocket URL(s) handed to devices, ';'-separated"},
        {"server.vision_explain", string, "vision URL handed to devices"},
        {"server.timezone_offset", number, "hours east of UTC sent to devices"},
        {"server.auth", map, "device authentication"},
        {"server.auth.enabled", boolean, "require a token on the WebSocket"},
        {"server.auth.allowed_devices", string_list, "device ids that need no token"},
        {"server.auth.expire_seconds", integer, "token lifetime in seconds"},
        {"server.auth.tokens", any, "legacy static tokens"},
        {"server.auth_key", string, "HMAC secret for device tokens"},
        {"server.mqtt_gateway", nullable_string, "MQTT gateway host:port"},
        {"server.mqtt_signature_key", nullable_string, "HMAC key for MQTT passwords"},
        {"server.udp_gateway", nullable_string, "UDP audio gateway host:port"},
        {"server.advertise_host", string, "host name put into derived URLs"},
        {"server.port_fallback", string, "fail, next or any when a port is taken"},
        {"server.port_fallback_range", integer, "how many next ports to try"},
        {"server.state_dir", string, "directory of the runtime state"},
        {"server.firmware_dir", string, "directory of firmware images"},
        {"server.admin_token", string, "bearer token of the admin API"},
        {"server.admin_allow", string_list, "CIDRs allowed to use the admin API"},
        {"server.tls", map, "TLS for serve's listeners (xiaozhi runtime only)"},
        {"server.tls.cert", string, "PEM certificate chain file, leaf first"},
        {"server.tls.key", string, "PEM private key file of server.tls.cert"},
        {"server.tls.port", port, "a TLS listener for https and wss beside the plain ones"},
        {"server.tls.listeners", string_list,
         "plain listeners that speak TLS instead: websocket, http"},
        {"server.tls.certificates", any, "more certificates chosen by SNI: [{cert, key, names}]"},
        {"server.tls.handshake_timeout", integer, "seconds a TLS handshake may take (1..3600)"},
        {"server.tls.watch_interval", integer,
         "seconds between checks of the files for a renewal (1..3600)"},
        {"server.hello_timeout", integer, "seconds to wait for a device's hello"},
        {"server.max_connections", integer, "concurrent TCP connections, device sessions included"},
        {"server.max_message_size", integer, "largest WebSocket message in bytes"},
        {"server.send_queue_limit", integer, "frames queued per session before dropping"},
        {"server.max_turn_bytes", integer, "bytes of audio one listen turn keeps"},
        {"server.max_turn_seconds", integer, "seconds a listen turn lasts at most"},
        {"server.request_head_timeout", integer, "seconds to wait for an HTTP request head"},
        {"server.websocket_ping_interval", integer,
         "seconds without traffic before a keepalive ping (enable_websocket_ping)"},
        {"server.ota", string, "the OTA URL devices are flashed with"},
        {"server.websocket_version", integer, "binary protocol version 1..3 in OTA answers"},
        {"server.ota_port", port, "legacy HTTP port"},
        {"server.backend", string, "what answers device sessions: echo or relay (to upstream)"},
        {"upstream", map, "the conversation servers serve relays device sessions to"},
        {"upstream.websocket", any, "upstream WebSocket URLs: strings or {url, weight} tables"},
        {"upstream.auth_key", string,
         "HMAC key to re-sign device tokens for the upstream; empty: pass Authorization through"},
        {"upstream.ca", string, "PEM CA bundle trusted for wss:// upstreams; empty: the system's"},
        {"upstream.health", string, "the active health check: http (a GET) or hello"},
        {"upstream.health_interval", integer, "seconds between health checks (1..3600)"},
        {"upstream.fall", integer, "failures in a row that take an upstream out (1..100)"},
        {"upstream.rise", integer, "successes in a row that bring it back (1..100)"},
        {"upstream.sticky", boolean, "send a device back to the same upstream while it is healthy"},
        {"upstream.drain_timeout", integer,
         "seconds a removed upstream's sessions may last before they are closed (0..86400)"},
        {"upstream.connect_timeout", integer, "seconds an upstream connection may take (1..60)"},
        {"upstream.ota", string, "OTA URL requests are passed through to; empty: answer locally"},
        {"upstream.ota_fallback", string,
         "when the upstream OTA fails: local (answer) or fail (502)"},
        {"upstream.ota_timeout", integer, "seconds the upstream OTA may take to answer (1..60)"},
        {"fleet", map, "the etcd cluster serve instances share a registry through"},
        {"fleet.etcd", string_list, "etcd members as http:// URLs; empty: no fleet"},
        {"fleet.name", string, "the fleet's name: its keys live under /xiaozhi/<name>/"},
        {"fleet.instance", string, "this instance's id; empty: <hostname>:<websocket port>"},
        {"fleet.lease_ttl", integer, "seconds a crashed instance stays registered (2..300)"},
        {"fleet.balance", string, "OTA hands out: least-loaded (most free capacity) or self"},
        {"fleet.sticky", boolean, "a device keeps its instance while that stays healthy"},
        {"fleet.user", string, "etcd user when etcd's authentication is enabled"},
        {"fleet.password", string, "that user's password"},
        {"xiaozhi", map, "the server's hello message"},
        {"xiaozhi.type", string, "hello message type"},
        {"xiaozhi.version", integer, "protocol version"},
        {"xiaozhi.transport", string, "transport name"},
        {"xiaozhi.audio_params", map, "downlink audio parameters"},
        {"xiaozhi.audio_params.format", string, "audio codec"},
        {"xiaozhi.audio_params.sample_rate", integer, "sample rate in Hz"},
        {"xiaozhi.audio_params.channels", integer, "channel count"},
        {"xiaozhi.audio_params.frame_duration", integer, "frame length in ms"},
        {"manager-api", map, "the management API"},
        {"manager-api.url", nullable_string, "base URL of the management API"},
        {"manager-api.secret", nullable_string, "bearer secret of the management API"},
        {"manager-api.timeout", number, "seconds the server waits for the management API"},
        {"manager-api.max_retries", integer, "retries of a failed management API request"},
        {"manager-api.retry_delay", number, "seconds before the first retry, doubled after"},
        {"log", map, "logging"},
        {"log.log_format", string, "console log line format"},
        {"log.log_format_file", string, "file log line format"},
        {"log.log_level", string, "log level"},
        {"log.log_dir", string, "log directory"},
        {"log.log_file", string, "log file name"},
        {"log.data_dir", string, "data directory"},
        {"log.format", string, "text or json"},
        {"echo", map, "the echo test mode"},
        {"echo.transcode", boolean, "decode and re-encode echoed audio"},
        {"delete_audio", boolean, "delete recorded audio after use"},
        {"close_connection_no_voice_time", integer, "seconds without voice before closing"},
        {"tts_timeout", number, "TTS timeout in seconds"},
        {"tool_call_timeout", number, "tool call timeout in seconds"},
        {"enable_wakeup_words_response_cache", boolean, "cache wake-word replies"},
        {"enable_greeting", boolean, "greet on wake-up"},
        {"enable_stop_tts_notify", boolean, "play a sound when TTS stops"},
        {"stop_tts_notify_voice", string, "sound played when TTS stops"},
        {"enable_websocket_ping", boolean, "server-side keepalive pings"},
        {"tts_audio_send_delay", number, "delay between TTS audio frames"},
        {"exit_commands", string_list, "phrases that end a session"},
        {"module_test", map, "module self-test settings"},
        {"wakeup_words", string_list, "wake words"},
        {"mcp_endpoint", any, "MCP endpoint"},
        {"context_providers", any, "context providers"},
        {"plugins", map, "plugin settings"},
        {"voiceprint", map, "voiceprint recognition"},
        {"prompt", any, "system prompt"},
        {"prompt_template", any, "prompt template"},
        {"system_error_response", any, "reply on internal errors"},
        {"end_prompt", map, "closing prompt"},
        {"selected_module", map, "the provider chosen for each module"},
        {"Intent", map, "intent providers"},
        {"Memory", map, "memory providers"},
        {"ASR", map, "speech recognition providers"},
        {"VAD", map, "voice activity detection providers"},
        {"LLM", map, "language model providers"},
        {"VLLM", map, "vision language model providers"},
        {"TTS", map, "speech synthesis providers"},
        {"read_config_from_api", boolean, "set by the server when the config came from the API"},
    };
    return keys;
}

const KeySpec* find_key(std::string_view dotted) {
    const auto& keys = known_keys();
    const auto it = std::find_if(keys.begin(), keys.end(),
                                 [&](const KeySpec& spec) { return spec.key == dotted; });
    return it == keys.end() ? nullptr : &*it;
}

bool is_owned_section(std::string_view top_level_key) {
    const auto& sections = owned_sections();
    return std::find(sections.begin(), sections.end(), top_level_key) != sections.end();
}

bool is_known_top_level(std::string_view top_level_key) {
    return top_level_key.find('.') == std::string_view::npos && find_key(top_level_key) != nullptr;
}

const std::vector<LegacyKey>& legacy_keys() {
    static const std::vector<LegacyKey> keys = {
        {"server.ota_port", "server.http_port (the HTTP listener serves OTA)"},
        {"server.auth.tokens", "signed tokens made with server.auth_key"},
    };
    return keys;
}

const LegacyKey* find_legacy_key(std::string_view dotted) {
    const auto& keys = legacy_keys();
    const auto it = std::find_if(keys.begin(), keys.end(),
                                 [&](const LegacyKey& legacy) { return legacy.key == dotted; });
    return it == keys.end() ? nullptr : &*it;
}

bool is_secret_key(std::string_view dotted) {
    const std::string segment = lower(last_segment(dotted));
    if (segment == "secret" || segment == "token" || segment == "password" ||
        segment == "api_key" || segment == "admin_token") {
        return true;
    }
    for (std::string_view suffix : {"_key", "_secret", "_token", "_password"}) {
        if (segment.size() > suffix.size() && segment.ends_with(suffix)) return true;
    }
    return false;
}

bool matches_type(const Node& value, ValueType type) {
    switch (type) {
        case any:
            return true;
        case boolean:
            return value.kind == Kind::boolean;
        case integer:
        case port:
            return value.kind == Kind::integer;
        case number:
            return value.kind == Kind::integer || value.kind == Kind::floating;
        case string:
            return value.kind == Kind::string;
        case string_list:
            return value.kind == Kind::list &&
                   std::all_of(value.items.begin(), value.items.end(),
                               [](const Node& item) { return item.kind == Kind::string; });
        case map:
            return value.kind == Kind::map;
        case nullable_string:
            return value.kind == Kind::string || value.kind == Kind::null;
    }
    return true;
}

}  // namespace xiaozhi::config
