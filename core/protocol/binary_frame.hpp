// Binary WebSocket frames of protocol versions 1, 2 and 3: encoding, and decoding to a view.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace xiaozhi::protocol {

// The binary protocol version a connection negotiated (`Protocol-Version` header):
//   v1: the bare payload (always Opus);
//   v2: 16-byte header, big-endian: u16 version (2), u16 type, u32 reserved,
//       u32 timestamp (ms), u32 payload_size; then the payload;
//   v3: 4-byte header: u8 type, u8 reserved, u16 payload_size (big-endian); then the payload.
enum class BinaryProtocol { v1 = 1, v2 = 2, v3 = 3 };

// Parses a `Protocol-Version` value ("1", "2", "3", blanks around allowed); nullopt otherwise.
std::optional<BinaryProtocol> parse_binary_protocol(std::string_view text);

// What a frame carries (the type field of v2/v3; v1 frames are always Opus).
enum class PayloadType : std::uint8_t { opus = 0, json = 1 };

// Header length of a version: 0, 16 or 4 bytes.
std::size_t frame_header_size(BinaryProtocol version);

// Largest header of any version, for fixed header buffers.
inline constexpr std::size_t kMaxFrameHeaderSize = 16;

// Largest payload a v3 header can describe (u16 payload_size).
inline constexpr std::size_t kMaxV3PayloadSize = 0xFFFF;

// Writes the header of a frame carrying `payload_size` bytes into `out` and returns
// its length (0 for v1). For scatter writes: send the header, then the payload,
// without copying the payload. Returns nullopt when v3 cannot describe the size.
// `timestamp_ms` is only carried by v2 (for server-side echo cancellation).
std::optional<std::size_t> write_frame_header(BinaryProtocol version, PayloadType type,
                                              std::uint32_t timestamp_ms, std::size_t payload_size,
                                              std::span<std::uint8_t, kMaxFrameHeaderSize> out);

// Replaces the contents of `frame` with header + payload, reusing its capacity (no
// allocation once the buffer has grown to the largest frame). Returns false, leaving
// `frame` empty, when the payload is too large for v3.
bool encode_frame(BinaryProtocol version, PayloadType type, std::uint32_t timestamp_ms,
                  std::span<const std::uint8_t> payload, std::vector<std::uint8_t>& frame);

// Why a frame was rejected. A rejected frame is bad input from the peer: the caller
// drops it, counts it (frame_error_name gives the metric label) and keeps the session.
enum class FrameError {
    too_short,      // shorter than the version's header
    size_mismatch,  // header payload_size disagrees with the bytes that follow
    unknown_type,   // type field neither 0 (Opus) nor 1 (JSON)
};

// "too_short", "size_mismatch", "unknown_type".
std::string_view frame_error_name(FrameError error);

// A decoded frame. `payload` points into the frame that was decoded and lives as
// long as it does. An empty payload, whether a zero-length frame in any version or
// a v2/v3 header announcing 0 bytes, means "end of utterance": browser clients send
// one when the user stops recording, and the caller treats it like `listen stop`.
struct DecodedFrame {
    PayloadType type = PayloadType::opus;
    std::uint32_t timestamp_ms = 0;  // v2 only; 0 otherwise
    std::span<const std::uint8_t> payload;

    bool is_end_of_utterance() const { return payload.empty(); }
};

// Either a DecodedFrame or the reason the frame was rejected.
struct FrameDecodeResult {
    std::optional<FrameError> error;
    DecodedFrame frame;  // meaningful when !error

    bool ok() const { return !error.has_value(); }
};

// Decodes one binary WebSocket message of the given version. Never throws. The v2
// header's own version field is not checked (the firmware always writes 2).
FrameDecodeResult decode_frame(BinaryProtocol version, std::span<const std::uint8_t> frame);

}  // namespace xiaozhi::protocol
