// websocket_frame and close_frame: the header (7, 16 or 64-bit length), the mask key if any, the
// payload.
#include "relay/websocket_frames.hpp"

#include <openssl/rand.h>

namespace xiaozhi::relay {

std::array<std::uint8_t, 4> random_mask() {
    std::array<std::uint8_t, 4> mask{};
    if (RAND_bytes(mask.data(), static_cast<int>(mask.size())) != 1)
        mask = {0x5a, 0x17, 0xc3, 0x9e};
    return mask;
}

std::string websocket_frame(std::uint8_t opcode, std::string_view payload,
                            std::optional<std::array<std::uint8_t, 4>> mask) {
    std::string frame;
    frame.push_back(static_cast<char>(0x80 | opcode));
    const std::uint8_t mask_bit = mask ? 0x80 : 0x00;
    if (payload.size() < 126) {
        frame.push_back(static_cast<char>(mask_bit | payload.size()));
    } else if (payload.size() <= 0xffff) {
        frame.push_back(static_cast<char>(mask_bit | 126));
        frame.push_back(static_cast<char>(payload.size() >> 8));
        frame.push_back(static_cast<char>(payload.size() & 0xff));
    } else {
        frame.push_back(static_cast<char>(mask_bit | 127));
        for (int shift = 56; shift >= 0; shift -= 8) {
            frame.push_back(
                static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> shift) & 0xff));
        }
    }
    if (mask) {
        for (std::uint8_t byte : *mask) frame.push_back(static_cast<char>(byte));
    }
    for (std::size_t i = 0; i < payload.size(); ++i) {
        const std::uint8_t key = mask ? (*mask)[i % 4] : 0;
        frame.push_back(static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ key));
    }
    return frame;
}

std::string close_frame(std::uint16_t code, std::string_view reason,
                        std::optional<std::array<std::uint8_t, 4>> mask) {
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xff));
    payload.append(reason.substr(0, 123));
    return websocket_frame(0x8, payload, mask);
}

}  // namespace xiaozhi::relay
