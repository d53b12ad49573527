// One configuration as the server runs it: the layers, the settings and the addresses handed out.
#pragma once

#include <memory>
#include <string>

#include "config/load.hpp"
#include "settings.hpp"

namespace xiaozhi::server {

class TlsContexts;

// The ports the listeners actually bound (after any fallback), and which speak TLS.
struct BoundPorts {
    int websocket = 0;
    int http = 0;
    int tls = 0;                 // server.tls.port's listener (HTTP and WebSocket); 0 none
    bool websocket_tls = false;  // the WebSocket listener itself speaks TLS
    bool http_tls = false;       // the HTTP listener itself speaks TLS
};

// Immutable once published; sessions and requests hold a shared_ptr to the one
// they started with, so a reload never changes a value under their feet.
struct RunningConfig {
    config::Loaded loaded;
    ServerSettings settings;
    BoundPorts bound;
    std::string websocket_url;    // handed to devices by OTA: configured and valid, or derived
    std::string ota_url;          // http://<host>:<http port>/xiaozhi/ota/
    std::string download_base;    // http://<host>:<http port>/xiaozhi/ota/download/
    std::string remote_revision;  // ETag of the remote layer in force; "" when there is none
    std::shared_ptr<const TlsContexts> tls;  // the certificates TLS listeners serve; null none
};

}  // namespace xiaozhi::server
