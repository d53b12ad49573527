// The deployment model: what listens where and what addresses devices are told, with origins.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/effective.hpp"
#include "config/load.hpp"
#include "deploy/transport.hpp"

namespace xiaozhi::deploy {

// Which server will run the configuration (DESIGN.md, --runtime).
enum class Runtime { python, xiaozhi };
std::string_view runtime_name(Runtime runtime);

// A socket some service of the deployment listens on.
struct Listener {
    std::string service;  // "websocket", "http", "http+websocket", "manager-api"
    Transport transport = Transport::tcp;
    std::string address;  // bind address as configured
    int port = 0;
    std::string key;  // config key that set the port, e.g. "server.port"
    config::Origin origin;
    bool tls = false;  // speaks TLS only (server.tls.port, or named in server.tls.listeners)
};

// A certificate serve presents: server.tls.cert + server.tls.key, or an entry of
// server.tls.certificates (chosen by SNI).
struct TlsCertificate {
    std::string cert_path, key_path;  // relative ones resolved against the configuration folder
    std::string cert_key, key_key;    // "server.tls.cert", "server.tls.certificates[0].cert"
    config::Origin cert_origin, key_origin;
    bool sni = false;                // an entry of server.tls.certificates
    std::vector<std::string> names;  // its configured names; empty = its subject alt names
};

enum class UrlKind { websocket, vision, ota, mqtt_gateway, udp_gateway };
std::string_view url_kind_name(UrlKind kind);  // "websocket", "vision", "ota", "mqtt", "udp"

// An address handed to devices (or configured for them). A `;` list yields one
// AdvertisedUrl per entry with `index` set; the text of an empty entry is "".
struct AdvertisedUrl {
    UrlKind kind = UrlKind::websocket;
    std::string text;
    std::string key;
    int index = -1;     // position in a ';' list, -1 when the value is not a list
    int list_size = 1;  // entries in that list
    config::Origin origin;
    // The template the server replaces by an address of its own (is_derived_template):
    // devices get that address, not `text`.
    bool derived = false;
};

// A compose port mapping "host_ip:host_port:container_port/proto".
struct PublishedPort {
    std::string service;       // compose service name
    std::string host_address;  // "" = all addresses
    int host_port = 0;
    int container_port = 0;
    Transport transport = Transport::tcp;
    config::Origin origin;  // position of the mapping in the compose file
    bool server = false;    // published by the xiaozhi server's own service
};

// Where the server of a deployment runs.
enum class Placement {
    host,          // on the host from source (no compose project, or none with the server)
    host_network,  // in a compose container with network_mode: host
    bridge,        // in a compose container on a bridge network: it sees its own address
};

struct Model {
    Runtime runtime = Runtime::python;
    std::string deployment;  // compose project label; "" when the server runs on the host
    Placement placement = Placement::host;
    std::string server_service;  // the server's compose service, "" outside compose
    // The project's other services, xiaozhi servers first: the names the server's container
    // reaches them by.
    std::vector<std::string> other_services;
    bool image_config = false;  // it reads its image's config.yaml (ComposeService)
    std::vector<Listener> listeners;
    std::vector<AdvertisedUrl> advertised;
    // Host ports the project publishes (not those of a host-network service).
    std::vector<PublishedPort> published;
    // Management-API mode: the configuration, the WebSocket address included, comes from
    // the management API; `remote_loaded` when an export of it was given (--remote).
    bool management_api = false;
    bool remote_loaded = false;
    std::vector<config::IgnoredValue> ignored;  // local keys the reference does not read
    std::vector<std::string> firmware_files;    // data/bin images the server offers
    // Runtime xiaozhi only (the reference has no TLS): server.tls.cert/key first when both
    // are set, then each well-formed entry of server.tls.certificates.
    std::vector<TlsCertificate> certificates;
};

// Builds the model of one deployment: the effective configuration run on the host
// (`project` null) or in the compose project. Ports that are not valid integers in
// 1..65535 produce no listener (the analysis reports them as port.invalid). With
// runtime xiaozhi, equal server.port and server.http_port give one "http+websocket"
// listener; server.tls.port adds a TLS "http+websocket" listener (key "server.tls.port",
// on server.ip), server.tls.listeners ("websocket", "http") makes those listeners TLS, and
// the certificates of server.tls are listed with their paths resolved against `base_dir`
// (kept as written when it is empty). A local manager-api.url (loopback or server.ip host) adds its
// listener on the URL's port (8002 by default) for the python runtime; it binds 0.0.0.0. Advertised
// URLs come from server.websocket (split on ';', every entry kept, empty ones included),
// server.vision_explain, server.ota, server.mqtt_gateway and server.udp_gateway when set and not
// null. Published ports come from project_services() (deploy/compose_project.hpp); throws
// config::InputError for a malformed compose port entry.
Model build_model(const config::Effective& effective, const config::ComposeProject* project,
                  Runtime runtime, const std::string& base_dir = {});

// Where serve resolves relative paths (server.state_dir, server.tls.*): the folder of the
// first configuration file, the xiaozhi-server folder itself for one in management-API mode
// (whose first file is data/.config.yaml); "" when no file was read.
std::string config_base_dir(const config::Loaded& loaded);

// A configured path resolved against `base_dir` (absolute ones and an empty base kept).
std::string resolve_config_path(const std::string& base_dir, const std::string& path);

// One model per deployment `loaded` describes: each compose project, or the host run
// when there is none; with the folder's management-API mode and firmware images.
std::vector<Model> build_models(const config::Loaded& loaded, Runtime runtime);

// A port written as digits ("8000"): the port when it is in 1..65535. The reference
// reads its ports with int(), so a quoted "8000" is a port there; compose ports too.
std::optional<int> port_in_text(std::string_view text);

// Whether the server replaces `text` by an address it derives: for the python runtime
// a value containing "你的" (ota_handler.py, util.get_vision_url), never one of the
// management API's; for the xiaozhi runtime also the English templates of is_placeholder.
bool is_derived_template(std::string_view text, Runtime runtime);

}  // namespace xiaozhi::deploy
