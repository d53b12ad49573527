// The HTTP answer refusing a WebSocket upgrade, written before the connection is closed.
#pragma once

#include "connection_slots.hpp"
#include "connection_types.hpp"
#include "http_message.hpp"
#include "tls_stream.hpp"

namespace xiaozhi::server {

// Writes `plain` as an HTTP/1.`http_version` response with Connection: close (within
// 10 s), then shuts the connection down; `slot` is released once it is closed.
void reject_upgrade(ConnectionStream stream, ConnectionSlot slot, unsigned http_version,
                    const HttpResponse& plain);
// The same over TLS: the answer, close_notify, then the socket closes.
void reject_upgrade(TlsStream stream, ConnectionSlot slot, unsigned http_version,
                    const HttpResponse& plain);

}  // namespace xiaozhi::server
