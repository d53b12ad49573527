// Fuzz target: decode_frame of v1/v2/v3 (the first byte picks the version), then re-encode.
#include <algorithm>
#include <span>
#include <vector>

#include "fuzz_input.hpp"
#include "protocol/binary_frame.hpp"

using namespace xiaozhi;
using protocol::BinaryProtocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    protocol::parse_binary_protocol(fuzz::as_text(data, size));
    const auto version = static_cast<BinaryProtocol>(data[0] % 3 + 1);
    const std::span<const std::uint8_t> frame(data + 1, size - 1);
    const protocol::FrameDecodeResult decoded = protocol::decode_frame(version, frame);
    if (!decoded.ok()) {
        fuzz::require(!protocol::frame_error_name(*decoded.error).empty(), "errors have names");
        return 0;
    }
    const protocol::DecodedFrame& first = decoded.frame;
    fuzz::require(first.payload.empty() ||
                      (first.payload.data() >= frame.data() &&
                       first.payload.data() + first.payload.size() == frame.data() + frame.size()),
                  "the payload is the frame's tail");
    std::vector<std::uint8_t> encoded;
    fuzz::require(
        protocol::encode_frame(version, first.type, first.timestamp_ms, first.payload, encoded),
        "a decoded frame encodes again");
    const protocol::FrameDecodeResult again = protocol::decode_frame(version, encoded);
    fuzz::require(again.ok() && again.frame.type == first.type &&
                      again.frame.timestamp_ms == first.timestamp_ms &&
                      std::ranges::equal(again.frame.payload, first.payload),
                  "decode(encode(frame)) is the frame");
    return 0;
}
