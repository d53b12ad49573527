// The Sec-WebSocket-Key a client sends and the Sec-WebSocket-Accept a server answers (RFC 6455 §4).
#pragma once

#include <string>
#include <string_view>

namespace xiaozhi::protocol {

// Base64 of 16 random bytes from OpenSSL's generator.
std::string make_websocket_key();

// Base64 of SHA-1 over `key` and the RFC's GUID.
std::string websocket_accept(std::string_view key);

}  // namespace xiaozhi::protocol
