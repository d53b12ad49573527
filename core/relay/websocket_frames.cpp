// close_frame: the two header bytes, the mask key if any, then the code and reason.
#include "relay/websocket_frames.hpp"

namespace xiaozhi::relay {

std::string close_frame(std::uint16_t code, std::string_view reason,
                        std::optional<std::array<std::uint8_t, 4>> mask) {
    reason = reason.substr(0, 123);
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xff));
    payload.append(reason);
    std::string frame;
    frame.push_back(static_cast<char>(0x88));
    frame.push_back(static_cast<char>((mask ? 0x80 : 0x00) | payload.size()));
    if (mask) {
        for (std::uint8_t byte : *mask) frame.push_back(static_cast<char>(byte));
        for (std::size_t i = 0; i < payload.size(); ++i) {
            payload[i] = static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ (*mask)[i % 4]);
        }
    }
    frame += payload;
    return frame;
}

}  // namespace xiaozhi::relay
