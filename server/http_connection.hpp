// One accepted TCP connection: HTTP requests go to the routes, WebSocket upgrades to a device
// session.
#pragma once

#include <memory>

#include "connection_slots.hpp"
#include "connection_types.hpp"
#include "http_routes.hpp"
#include "server_services.hpp"

namespace xiaozhi::server {

class TlsContexts;

// Runs the connection until the peer closes, a request fails to parse (answered
// 400), no request head arrives within server.request_head_timeout, or it is handed to
// a device session (with `slot`, held until the socket closes). With `tls` the connection
// is a TLS one: a plain HTTP request is answered 400 and closed, a handshake has
// server.tls.handshake_timeout. The socket's executor must run one handler at a time (an
// io_context run by one thread, or a strand). `routes` outlives it.
void serve_connection(ConnectionSocket socket, ConnectionSlot slot, const ServerServices& services,
                      HttpRoutes& routes, std::shared_ptr<const TlsContexts> tls);

}  // namespace xiaozhi::server
