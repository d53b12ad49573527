// Tests of binary frame encoding and decoding for protocol versions 1, 2 and 3.
#include <catch2/catch.hpp>

#include <vector>

#include "protocol/binary_frame.hpp"

using namespace xiaozhi::protocol;

namespace {

std::vector<std::uint8_t> bytes(std::initializer_list<int> values) {
    std::vector<std::uint8_t> out;
    for (int v : values) out.push_back(static_cast<std::uint8_t>(v));
    return out;
}

std::vector<std::uint8_t> payload_of(const DecodedFrame& frame) {
    return {frame.payload.begin(), frame.payload.end()};
}

}  // namespace

TEST_CASE("parse_binary_protocol accepts 1, 2 and 3 only") {
    CHECK(parse_binary_protocol("1") == BinaryProtocol::v1);
    CHECK(parse_binary_protocol(" 2 ") == BinaryProtocol::v2);
    CHECK(parse_binary_protocol("3") == BinaryProtocol::v3);
    CHECK_FALSE(parse_binary_protocol("4"));
    CHECK_FALSE(parse_binary_protocol("0"));
    CHECK_FALSE(parse_binary_protocol(""));
    CHECK_FALSE(parse_binary_protocol("2a"));
    CHECK_FALSE(parse_binary_protocol("02"));
}

TEST_CASE("v2 frames have the firmware's 16-byte big-endian header") {
    const auto payload = bytes({0xAA, 0xBB, 0xCC});
    std::vector<std::uint8_t> frame;
    REQUIRE(encode_frame(BinaryProtocol::v2, PayloadType::opus, 0x01020304, payload, frame));
    CHECK(frame == bytes({0, 2, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 3, 0xAA, 0xBB, 0xCC}));

    REQUIRE(encode_frame(BinaryProtocol::v2, PayloadType::json, 7, payload, frame));
    CHECK(frame[3] == 1);
}

TEST_CASE("v3 frames have a 4-byte header") {
    const auto payload = bytes({1, 2, 3, 4, 5});
    std::vector<std::uint8_t> frame;
    REQUIRE(encode_frame(BinaryProtocol::v3, PayloadType::json, 99, payload, frame));
    CHECK(frame == bytes({1, 0, 0, 5, 1, 2, 3, 4, 5}));
}

TEST_CASE("v1 frames are the bare payload") {
    const auto payload = bytes({9, 8, 7});
    std::vector<std::uint8_t> frame;
    REQUIRE(encode_frame(BinaryProtocol::v1, PayloadType::opus, 5, payload, frame));
    CHECK(frame == payload);
}

TEST_CASE("frames round-trip through encode and decode in every version") {
    std::vector<std::uint8_t> payload(300);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
    std::vector<std::uint8_t> frame;
    for (auto version : {BinaryProtocol::v1, BinaryProtocol::v2, BinaryProtocol::v3}) {
        for (auto type : {PayloadType::opus, PayloadType::json}) {
            if (version == BinaryProtocol::v1 && type == PayloadType::json) continue;
            INFO("version " << static_cast<int>(version) << " type " << static_cast<int>(type));
            REQUIRE(encode_frame(version, type, 123456, payload, frame));
            CHECK(frame.size() == frame_header_size(version) + payload.size());
            const FrameDecodeResult decoded = decode_frame(version, frame);
            REQUIRE(decoded.ok());
            CHECK(decoded.frame.type == type);
            CHECK(decoded.frame.timestamp_ms == (version == BinaryProtocol::v2 ? 123456u : 0u));
            CHECK(payload_of(decoded.frame) == payload);
            CHECK(decoded.frame.payload.data() == frame.data() + frame_header_size(version));
            CHECK_FALSE(decoded.frame.is_end_of_utterance());
        }
    }
}

TEST_CASE("encode_frame reuses the buffer's capacity") {
    std::vector<std::uint8_t> frame;
    frame.reserve(1024);
    const std::uint8_t* storage = frame.data();
    const auto payload = bytes({1, 2, 3});
    for (int i = 0; i < 10; ++i) {
        REQUIRE(encode_frame(BinaryProtocol::v2, PayloadType::opus, 0, payload, frame));
    }
    CHECK(frame.data() == storage);
    CHECK(frame.capacity() == 1024);
}

TEST_CASE("write_frame_header writes only the header, for scatter writes") {
    std::array<std::uint8_t, kMaxFrameHeaderSize> header{};
    CHECK(write_frame_header(BinaryProtocol::v1, PayloadType::opus, 0, 100, header) == 0u);
    CHECK(write_frame_header(BinaryProtocol::v3, PayloadType::opus, 0, 0x1234, header) == 4u);
    CHECK(std::vector<std::uint8_t>(header.begin(), header.begin() + 4) ==
          bytes({0, 0, 0x12, 0x34}));
    CHECK(write_frame_header(BinaryProtocol::v2, PayloadType::opus, 1, 70000, header) == 16u);
    CHECK(std::vector<std::uint8_t>(header.begin() + 12, header.end()) ==
          bytes({0, 1, 0x11, 0x70}));
}

TEST_CASE("v3 cannot describe payloads above 65535 bytes") {
    std::vector<std::uint8_t> frame = bytes({1, 2});
    std::vector<std::uint8_t> big(kMaxV3PayloadSize + 1);
    CHECK_FALSE(encode_frame(BinaryProtocol::v3, PayloadType::opus, 0, big, frame));
    CHECK(frame.empty());
    big.pop_back();
    CHECK(encode_frame(BinaryProtocol::v3, PayloadType::opus, 0, big, frame));
    CHECK(encode_frame(BinaryProtocol::v2, PayloadType::opus, 0,
                       std::vector<std::uint8_t>(kMaxV3PayloadSize + 1), frame));
}

TEST_CASE("zero-length frames decode as end of utterance in every version") {
    for (auto version : {BinaryProtocol::v1, BinaryProtocol::v2, BinaryProtocol::v3}) {
        const FrameDecodeResult empty = decode_frame(version, {});
        REQUIRE(empty.ok());
        CHECK(empty.frame.is_end_of_utterance());
    }
    // A header announcing no payload is one too.
    const auto v2 = bytes({0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0});
    const FrameDecodeResult header_only = decode_frame(BinaryProtocol::v2, v2);
    REQUIRE(header_only.ok());
    CHECK(header_only.frame.is_end_of_utterance());
    CHECK(header_only.frame.timestamp_ms == 9);
    const FrameDecodeResult v3 = decode_frame(BinaryProtocol::v3, bytes({0, 0, 0, 0}));
    REQUIRE(v3.ok());
    CHECK(v3.frame.is_end_of_utterance());
}

TEST_CASE("malformed v2 headers are rejected with a reason") {
    // Shorter than the header.
    auto result =
        decode_frame(BinaryProtocol::v2, bytes({0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    CHECK(result.error == FrameError::too_short);
    // payload_size says 3, 2 bytes follow.
    result = decode_frame(BinaryProtocol::v2,
                          bytes({0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, 2}));
    CHECK(result.error == FrameError::size_mismatch);
    // payload_size says 1, 2 bytes follow.
    result = decode_frame(BinaryProtocol::v2,
                          bytes({0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2}));
    CHECK(result.error == FrameError::size_mismatch);
    // payload_size near 4 GiB must not wrap around.
    result =
        decode_frame(BinaryProtocol::v2,
                     bytes({0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0, 1}));
    CHECK(result.error == FrameError::size_mismatch);
    // Type 2 is neither Opus nor JSON.
    result = decode_frame(BinaryProtocol::v2,
                          bytes({0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1}));
    CHECK(result.error == FrameError::unknown_type);
    // Near miss: the same frame with type 1 is fine.
    result = decode_frame(BinaryProtocol::v2,
                          bytes({0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1}));
    CHECK(result.ok());
}

TEST_CASE("malformed v3 headers are rejected with a reason") {
    CHECK(decode_frame(BinaryProtocol::v3, bytes({0, 0, 0})).error == FrameError::too_short);
    CHECK(decode_frame(BinaryProtocol::v3, bytes({0})).error == FrameError::too_short);
    CHECK(decode_frame(BinaryProtocol::v3, bytes({0, 0, 0, 2, 1})).error ==
          FrameError::size_mismatch);
    CHECK(decode_frame(BinaryProtocol::v3, bytes({0, 0, 0, 1, 1, 2})).error ==
          FrameError::size_mismatch);
    CHECK(decode_frame(BinaryProtocol::v3, bytes({0, 0, 1, 0, 1})).error ==
          FrameError::size_mismatch);
    CHECK(decode_frame(BinaryProtocol::v3, bytes({5, 0, 0, 1, 1})).error ==
          FrameError::unknown_type);
    CHECK(decode_frame(BinaryProtocol::v3, bytes({0, 0, 0, 1, 1})).ok());
}

TEST_CASE("a v1 frame of any bytes is an Opus payload") {
    const auto frame = bytes({0, 2, 0, 0, 0xFF});
    const FrameDecodeResult result = decode_frame(BinaryProtocol::v1, frame);
    REQUIRE(result.ok());
    CHECK(result.frame.type == PayloadType::opus);
    CHECK(payload_of(result.frame) == frame);
}

TEST_CASE("frame errors have metric names") {
    CHECK(frame_error_name(FrameError::too_short) == "too_short");
    CHECK(frame_error_name(FrameError::size_mismatch) == "size_mismatch");
    CHECK(frame_error_name(FrameError::unknown_type) == "unknown_type");
}
