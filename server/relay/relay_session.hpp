// A relayed device session (server.backend = "relay"): the upgrade answered, then a byte pipe to an
// upstream.
#pragma once

#include <cstdint>
#include <string>

#include "connection_slots.hpp"
#include "connection_types.hpp"
#include "device_handshake.hpp"
#include "http_message.hpp"
#include "server_services.hpp"
#include "tls_stream.hpp"

namespace xiaozhi::server {

// What the device session found before it handed the connection over.
struct RelayStart {
    HttpRequest head;  // the upgrade as the device sent it
    unsigned http_version = 11;
    DeviceIdentity identity;
    int protocol = 1;            // the binary protocol version it asked for
    std::string early_bytes;     // what the device sent after the request without waiting
    std::int64_t unix_time = 0;  // when the handshake was checked (re-signed tokens carry it)
};

// Answers the upgrade (101, or 400/426/503) and relays the session until it ends: frames
// pass unchanged both ways (a device's are masked already, an upstream's are not), read
// by a scanner that counts them, finds the hello, the close frames and what RFC 6455
// forbids, and enforces server.max_message_size. `slot` stays with the socket.
void start_relay_session(ConnectionSocket socket, RelayStart start, ConnectionSlot slot,
                         const ServerServices& services);
// The same over TLS (wss://), the handshake done.
void start_relay_session(TlsStream stream, RelayStart start, ConnectionSlot slot,
                         const ServerServices& services);

}  // namespace xiaozhi::server
