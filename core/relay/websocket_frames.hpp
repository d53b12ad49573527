// Frames the relay writes itself: a close frame to the device (unmasked) or to the upstream
// (masked).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::relay {

// A close frame with `code` and `reason` (cut to 123 bytes), masked with `mask` when given
// (a client's frame) and unmasked otherwise (a server's).
std::string close_frame(std::uint16_t code, std::string_view reason,
                        std::optional<std::array<std::uint8_t, 4>> mask = std::nullopt);

}  // namespace xiaozhi::relay
