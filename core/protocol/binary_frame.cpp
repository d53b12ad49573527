// Encoding and decoding of the v1/v2/v3 binary frame headers (big-endian fields).
#include "protocol/binary_frame.hpp"

#include <algorithm>

namespace xiaozhi::protocol {

namespace {

constexpr std::size_t kV2HeaderSize = 16;
constexpr std::size_t kV3HeaderSize = 4;

void put_u16(std::uint8_t* at, std::uint32_t value) {
    at[0] = static_cast<std::uint8_t>(value >> 8);
    at[1] = static_cast<std::uint8_t>(value);
}

void put_u32(std::uint8_t* at, std::uint32_t value) {
    put_u16(at, value >> 16);
    put_u16(at + 2, value & 0xFFFF);
}

std::uint32_t get_u16(const std::uint8_t* at) {
    return (std::uint32_t{at[0]} << 8) | at[1];
}

std::uint32_t get_u32(const std::uint8_t* at) {
    return (get_u16(at) << 16) | get_u16(at + 2);
}

std::optional<PayloadType> payload_type_of(std::uint32_t value) {
    if (value == static_cast<std::uint32_t>(PayloadType::opus)) return PayloadType::opus;
    if (value == static_cast<std::uint32_t>(PayloadType::json)) return PayloadType::json;
    return std::nullopt;
}

FrameDecodeResult rejected(FrameError error) {
    return FrameDecodeResult{error, {}};
}

FrameDecodeResult accepted(std::uint32_t type_field, std::uint32_t timestamp_ms,
                           std::span<const std::uint8_t> payload) {
    const std::optional<PayloadType> type = payload_type_of(type_field);
    if (!type) return rejected(FrameError::unknown_type);
    return FrameDecodeResult{std::nullopt, DecodedFrame{*type, timestamp_ms, payload}};
}

}  // namespace

std::optional<BinaryProtocol> parse_binary_protocol(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text == "1") return BinaryProtocol::v1;
    if (text == "2") return BinaryProtocol::v2;
    if (text == "3") return BinaryProtocol::v3;
    return std::nullopt;
}

std::size_t frame_header_size(BinaryProtocol version) {
    switch (version) {
        case BinaryProtocol::v1:
            return 0;
        case BinaryProtocol::v2:
            return kV2HeaderSize;
        case BinaryProtocol::v3:
            return kV3HeaderSize;
    }
    return 0;
}

std::optional<std::size_t> write_frame_header(BinaryProtocol version, PayloadType type,
                                              std::uint32_t timestamp_ms, std::size_t payload_size,
                                              std::span<std::uint8_t, kMaxFrameHeaderSize> out) {
    const auto type_field = static_cast<std::uint32_t>(type);
    switch (version) {
        case BinaryProtocol::v1:
            return 0;
        case BinaryProtocol::v2:
            if (payload_size > 0xFFFFFFFFu) return std::nullopt;
            put_u16(out.data(), 2);
            put_u16(out.data() + 2, type_field);
            put_u32(out.data() + 4, 0);
            put_u32(out.data() + 8, timestamp_ms);
            put_u32(out.data() + 12, static_cast<std::uint32_t>(payload_size));
            return kV2HeaderSize;
        case BinaryProtocol::v3:
            if (payload_size > kMaxV3PayloadSize) return std::nullopt;
            out[0] = static_cast<std::uint8_t>(type_field);
            out[1] = 0;
            put_u16(out.data() + 2, static_cast<std::uint32_t>(payload_size));
            return kV3HeaderSize;
    }
    return std::nullopt;
}

bool encode_frame(BinaryProtocol version, PayloadType type, std::uint32_t timestamp_ms,
                  std::span<const std::uint8_t> payload, std::vector<std::uint8_t>& frame) {
    std::array<std::uint8_t, kMaxFrameHeaderSize> header{};
    const std::optional<std::size_t> header_size =
        write_frame_header(version, type, timestamp_ms, payload.size(), header);
    frame.clear();
    if (!header_size) return false;
    frame.resize(*header_size + payload.size());
    std::copy_n(header.begin(), *header_size, frame.begin());
    std::copy(payload.begin(), payload.end(), frame.begin() + static_cast<long>(*header_size));
    return true;
}

std::string_view frame_error_name(FrameError error) {
    switch (error) {
        case FrameError::too_short:
            return "too_short";
        case FrameError::size_mismatch:
            return "size_mismatch";
        case FrameError::unknown_type:
            return "unknown_type";
    }
    return "unknown_type";
}

FrameDecodeResult decode_frame(BinaryProtocol version, std::span<const std::uint8_t> frame) {
    if (frame.empty()) return accepted(0, 0, frame);
    switch (version) {
        case BinaryProtocol::v1:
            return accepted(0, 0, frame);
        case BinaryProtocol::v2: {
            if (frame.size() < kV2HeaderSize) return rejected(FrameError::too_short);
            const std::uint32_t payload_size = get_u32(frame.data() + 12);
            if (payload_size != frame.size() - kV2HeaderSize) {
                return rejected(FrameError::size_mismatch);
            }
            return accepted(get_u16(frame.data() + 2), get_u32(frame.data() + 8),
                            frame.subspan(kV2HeaderSize));
        }
        case BinaryProtocol::v3: {
            if (frame.size() < kV3HeaderSize) return rejected(FrameError::too_short);
            const std::uint32_t payload_size = get_u16(frame.data() + 2);
            if (payload_size != frame.size() - kV3HeaderSize) {
                return rejected(FrameError::size_mismatch);
            }
            return accepted(frame[0], 0, frame.subspan(kV3HeaderSize));
        }
    }
    return rejected(FrameError::too_short);
}

}  // namespace xiaozhi::protocol
