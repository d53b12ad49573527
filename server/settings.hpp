// What `serve` reads from the effective configuration, once per load or reload.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/effective.hpp"
#include "deploy/url.hpp"
#include "fleet/instance_choice.hpp"
#include "protocol/audio_params.hpp"

namespace xiaozhi::server {

// server.port_fallback: what to do when a listen port is taken.
enum class PortFallback { fail, next, any };

struct AuthSettings {
    bool enabled = false;
    std::string key;  // server.auth_key, else manager-api.secret; "" = the app picks a random key
    std::vector<std::string> allowed_devices;
    std::int64_t expire_seconds = 2592000;
};

// One certificate of server.tls: the PEM files (chain in the cert file) and the SNI names
// it is chosen for ("" names: the certificate's own subject alternative names).
struct TlsCertificateFiles {
    std::string cert;  // resolved against the base folder
    std::string key;
    std::vector<std::string> names;  // server.tls.certificates[].names
    std::string key_name;            // the config key it came from, for messages
};

// server.tls: which listeners speak TLS, with which certificates.
struct TlsSettings {
    TlsCertificateFiles main;              // server.tls.cert / server.tls.key
    std::vector<TlsCertificateFiles> sni;  // server.tls.certificates
    int port = 0;                          // server.tls.port: a TLS listener of its own; 0 none
    bool websocket = false;                // server.tls.listeners has "websocket"
    bool http = false;                     // server.tls.listeners has "http"
    std::chrono::seconds handshake_timeout{10};
    std::chrono::seconds watch_interval{5};  // how often the files are checked for a renewal

    bool configured() const { return !main.cert.empty(); }
    // Some listener speaks TLS.
    bool active() const { return configured() && (port != 0 || websocket || http); }
};

// upstream: the conversation servers the relay backend hands device sessions to, and the
// OTA endpoint requests are passed through to.
struct UpstreamSettings {
    // One conversation server of upstream.websocket.
    struct UpstreamTarget {
        std::string url;     // as configured
        deploy::Url parsed;  // ws:// or wss://
        int weight = 1;      // 1..1000: its share of new sessions
    };
    // How an upstream's health is checked: a plain HTTP GET, or a WebSocket hello exchange.
    enum class HealthCheck { http, hello };
    // What an OTA request gets when the upstream OTA fails: serve's own answer, or 502.
    enum class OtaFallback { local, fail };

    std::vector<UpstreamTarget> websocket;  // upstream.websocket, in order
    std::string auth_key;  // upstream.auth_key: re-signs device tokens; "" = pass them through
    // upstream.ca, resolved against the base folder: the PEM bundle trusted for wss://
    // upstreams; "" = the system store.
    std::string ca;
    HealthCheck health = HealthCheck::http;         // upstream.health
    std::chrono::seconds health_interval{5};        // upstream.health_interval
    int fall = 3;                                   // failures in a row that take one out
    int rise = 2;                                   // successes in a row that bring it back
    bool sticky = false;                            // upstream.sticky: by device id
    std::chrono::seconds drain_timeout{60};         // a removed upstream's sessions, at most
    std::chrono::seconds connect_timeout{5};        // upstream.connect_timeout
    std::string ota;                                // upstream.ota; "" = no pass-through
    std::optional<deploy::Url> ota_parsed;          // upstream.ota parsed (http or https)
    OtaFallback ota_fallback = OtaFallback::local;  // upstream.ota_fallback
    std::chrono::seconds ota_timeout{5};            // upstream.ota_timeout
};

// fleet: the etcd cluster several serve instances share, and this instance's place in it.
struct FleetSettings {
    std::vector<deploy::Url> etcd;       // fleet.etcd: http:// members; empty = no fleet
    std::string name = "default";        // fleet.name: keys live under /xiaozhi/<name>/
    std::string instance;                // fleet.instance; "" = <hostname>:<websocket port>
    std::chrono::seconds lease_ttl{10};  // fleet.lease_ttl: how long a crashed entry lasts
    // fleet.balance: OTA answers hand out the instance with the most free capacity
    // ("least-loaded") or this one ("self").
    fleet::Balance balance = fleet::Balance::least_loaded;
    bool sticky = false;   // fleet.sticky: a device keeps its instance while it stays healthy
    std::string user;      // fleet.user: etcd's user (auth enabled); empty = none
    std::string password;  // fleet.password
};

struct ServerSettings {
    std::string bind_address = "0.0.0.0";  // server.ip
    int websocket_port = 8000;             // server.port
    int http_port = 8003;                  // server.http_port; equal ports share a listener
    PortFallback port_fallback = PortFallback::fail;
    int port_fallback_range = 10;
    std::string advertise_host;             // server.advertise_host; "" = derive
    std::string configured_websocket;       // server.websocket when set and not a placeholder
    std::string configured_vision;          // server.vision_explain when set and not a placeholder
    std::string state_dir = "data/state";   // resolved against the base folder
    std::string firmware_dir = "data/bin";  // resolved against the base folder
    std::chrono::seconds hello_timeout{10};
    std::chrono::seconds request_head_timeout{10};  // server.request_head_timeout
    int max_connections = 10000;
    std::size_t max_message_size = 65536;
    std::size_t send_queue_limit = 64;  // queued outgoing frames before a slow reader is closed
    std::size_t max_turn_bytes = 384 * 1024;  // audio one listen turn keeps (server.max_turn_bytes)
    std::chrono::milliseconds max_turn_time{60000};  // server.max_turn_seconds
    std::chrono::seconds idle_timeout{120};          // close_connection_no_voice_time
    bool websocket_ping = false;                     // enable_websocket_ping
    // server.websocket_ping_interval: a ping after this long without traffic, a close
    // after twice as long without an answer.
    std::chrono::seconds websocket_ping_interval{30};
    AuthSettings auth;
    std::string admin_token;               // "" = admin API off
    std::vector<std::string> admin_allow;  // CIDR networks besides loopback
    std::string mqtt_gateway;              // "" = hand out WebSocket
    std::string mqtt_signature_key;
    int timezone_offset_minutes = 480;     // server.timezone_offset (hours) * 60
    std::optional<int> websocket_version;  // server.websocket_version
    protocol::AudioParams audio_params;    // xiaozhi.audio_params (downlink)
    bool echo_transcode = false;           // echo.transcode
    TlsSettings tls;                       // server.tls
    // server.backend: what answers device sessions: the echo, or the upstream servers.
    enum class Backend { echo, relay } backend = Backend::echo;
    UpstreamSettings upstream;
    FleetSettings fleet;  // upstream
};

// Reads the settings; relative state_dir and firmware_dir are resolved against
// `base_dir` (the folder of the first config input, or the working directory).
// Throws config::InputError at the offending value's position for a value of
// the wrong type or out of range, an upstream URL that does not parse or has the wrong
// scheme, or the relay backend without upstream.websocket (the analysis has reported it
// already).
ServerSettings read_server_settings(const config::Effective& effective,
                                    const std::string& base_dir);

}  // namespace xiaozhi::server
