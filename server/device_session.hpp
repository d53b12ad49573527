// The device WebSocket endpoint (/xiaozhi/v1/): handshake checks, hello, turns, echo replies.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "connection_slots.hpp"
#include "connection_types.hpp"
#include "server_services.hpp"
#include "tls_stream.hpp"

namespace xiaozhi::server {

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Takes over a connection whose request is a WebSocket upgrade (any path; only
// /xiaozhi/v1/ is accepted). Answers 401 for failed authentication, 503 beyond
// server.max_connections, 404 for another path; otherwise upgrades and runs the
// session until it ends. `early_bytes` are what the peer sent after the request without
// waiting for the 101 (usually nothing); the session reads them first. `slot` stays with
// the socket until it closes. The stream's executor runs one handler at a time.
void start_device_session(ConnectionStream stream, UpgradeRequest request, std::string early_bytes,
                          ConnectionSlot slot, const ServerServices& services);
// The same over TLS (wss://), the handshake done.
void start_device_session(TlsStream stream, UpgradeRequest request, std::string early_bytes,
                          ConnectionSlot slot, const ServerServices& services);

}  // namespace xiaozhi::server
