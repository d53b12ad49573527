// Frames the relay writes itself: a close frame to the device (unmasked) or to the upstream
// (masked).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::relay {

// A mask key from OpenSSL's generator, as RFC 6455 asks of a client (unpredictable).
std::array<std::uint8_t, 4> random_mask();

// One unfragmented frame of `opcode` (0x1 text, 0x2 binary, 0x8 close, ...), masked with
// `mask` when given (a client's frame) and unmasked otherwise (a server's).
std::string websocket_frame(std::uint8_t opcode, std::string_view payload,
                            std::optional<std::array<std::uint8_t, 4>> mask = std::nullopt);

// A close frame with `code` and `reason` (cut to 123 bytes), masked with `mask` when given
// (a client's frame) and unmasked otherwise (a server's).
std::string close_frame(std::uint16_t code, std::string_view reason,
                        std::optional<std::array<std::uint8_t, 4>> mask = std::nullopt);

}  // namespace xiaozhi::relay
