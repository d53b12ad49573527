// The Python TLS peer (tests/integration/tls_peer.py) run for one test: OTA over https:// (or
// http://) and the WebSocket over wss:// on 127.0.0.1 ports the kernel picked, stopped at the end
// of scope. Header-only: the client's unit tests and the integration tests both start it.
#pragma once

#include <string>
#include <vector>

#include "script_peer.hpp"

namespace xiaozhi::testing {

class TlsPeer {
  public:
    struct Options {
        std::string cert_path;
        std::string key_path;
        bool plain_http = false;            // OTA over http://, the WebSocket still wss://
        std::string ws_host = "127.0.0.1";  // host of the wss:// URL the OTA answer hands out
    };

    // Starts the peer and waits (REQUIRE, at most 20 s) for the line with its ports.
    explicit TlsPeer(const Options& options)
        : peer_(arguments(options)),
          http_port(peer_.ready.at("http_port").get<int>()),
          ws_port(peer_.ready.at("ws_port").get<int>()),
          ota_url(peer_.ready.at("ota_url").get<std::string>()),
          ws_url(peer_.ready.at("ws_url").get<std::string>()) {}

  private:
    ScriptPeer peer_;

  public:
    int http_port = 0;
    int ws_port = 0;
    std::string ota_url;  // https://127.0.0.1:<http_port>/xiaozhi/ota/ (http:// when plain)
    std::string ws_url;   // wss://<ws_host>:<ws_port>/xiaozhi/v1/

  private:
    static std::vector<std::string> arguments(const Options& options) {
        std::vector<std::string> args = {
            "/usr/bin/python3",
            std::string(XIAOZHI_FIXTURES) + "/../integration/tls_peer.py",
            "--cert",
            options.cert_path,
            "--key",
            options.key_path,
            "--ws-host",
            options.ws_host};
        if (options.plain_http) args.push_back("--plain-http");
        return args;
    }
};

}  // namespace xiaozhi::testing
