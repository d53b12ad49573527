// WebSocketScanner over frames cut at every byte, masked and not; close_frame's bytes.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "relay/websocket_frames.hpp"
#include "relay/websocket_scanner.hpp"

using namespace xiaozhi::relay;

namespace {

constexpr std::array<std::uint8_t, 4> kMask = {0x12, 0x34, 0x56, 0x78};

// One frame as RFC 6455 lays it out: opcode, FIN, the length in 7, 16 or 64 bits, the mask.
std::string frame(std::uint8_t opcode, const std::string& payload, bool masked, bool fin = true) {
    std::string bytes;
    bytes.push_back(static_cast<char>((fin ? 0x80 : 0x00) | opcode));
    const std::uint8_t mask_bit = masked ? 0x80 : 0x00;
    if (payload.size() < 126) {
        bytes.push_back(static_cast<char>(mask_bit | payload.size()));
    } else if (payload.size() <= 0xffff) {
        bytes.push_back(static_cast<char>(mask_bit | 126));
        bytes.push_back(static_cast<char>(payload.size() >> 8));
        bytes.push_back(static_cast<char>(payload.size() & 0xff));
    } else {
        bytes.push_back(static_cast<char>(mask_bit | 127));
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes.push_back(
                static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> shift) & 0xff));
        }
    }
    if (masked) bytes.append(kMask.begin(), kMask.end());
    for (std::size_t i = 0; i < payload.size(); ++i) {
        bytes.push_back(static_cast<char>(payload[i] ^ (masked ? kMask[i % 4] : 0)));
    }
    return bytes;
}

std::span<const std::uint8_t> span_of(const std::string& bytes, std::size_t from = 0,
                                      std::size_t size = std::string::npos) {
    const std::size_t count = std::min(size, bytes.size() - from);
    return {reinterpret_cast<const std::uint8_t*>(bytes.data()) + from, count};
}

// The stream fed in pieces of `piece` bytes, the results summed up.
struct Totals {
    std::uint32_t texts = 0;
    std::uint32_t binaries = 0;
    std::uint64_t payload = 0;
    std::vector<std::string> kept;
    std::vector<CloseFrame> closes;
    std::vector<std::size_t> frame_ends;
    std::vector<std::size_t> message_ends;
    ScanProblem problem = ScanProblem::none;
};

Totals scan_in_pieces(WebSocketScanner& scanner, const std::string& stream, std::size_t piece) {
    Totals totals;
    for (std::size_t at = 0; at < stream.size(); at += piece) {
        ScanResult result = scanner.scan(span_of(stream, at, piece));
        totals.texts += result.text_messages;
        totals.binaries += result.binary_messages;
        totals.payload += result.payload_bytes;
        for (auto& text : result.texts) totals.kept.push_back(text);
        if (result.close) totals.closes.push_back(*result.close);
        if (result.last_frame_end) totals.frame_ends.push_back(at + *result.last_frame_end);
        for (std::size_t end : result.message_ends) totals.message_ends.push_back(at + end);
        totals.problem = result.problem;
        if (result.problem != ScanProblem::none) break;
    }
    return totals;
}

}  // namespace

TEST_CASE("the scanner follows masked device frames cut anywhere") {
    const std::string hello = R"({"type":"hello","version":1})";
    const std::string audio(300, '\x01');
    const std::string big(70000, 'x');
    const std::string stream = frame(0x1, hello, true) + frame(0x2, audio, true) +
                               frame(0x9, "ping", true) + frame(0x2, big, true) +
                               frame(0x8, std::string("\x03\xe8", 2) + "bye", true);
    for (std::size_t piece :
         {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{4096}, stream.size()}) {
        CAPTURE(piece);
        WebSocketScanner scanner(true, 100000);
        scanner.keep_texts(true);
        scanner.record_message_ends(true);
        const Totals totals = scan_in_pieces(scanner, stream, piece);
        CHECK(totals.problem == ScanProblem::none);
        CHECK(totals.texts == 1);
        CHECK(totals.binaries == 2);
        CHECK(totals.payload == hello.size() + audio.size() + big.size());
        REQUIRE(totals.kept.size() == 1);
        CHECK(totals.kept[0] == hello);
        REQUIRE(totals.closes.size() == 1);
        CHECK(totals.closes[0].code == 1000);
        CHECK(totals.closes[0].reason == "bye");
        CHECK(totals.message_ends.size() == 3);
        CHECK(totals.message_ends.back() == stream.size() - frame(0x8, "..bye", true).size());
        CHECK(totals.frame_ends.back() == stream.size());
        CHECK(scanner.at_frame_end());
    }
}

TEST_CASE("the scanner knows when a stream stops inside a frame") {
    WebSocketScanner scanner(false, 65536);
    const std::string audio = frame(0x2, std::string(1000, 'a'), false);
    ScanResult first = scanner.scan(span_of(audio, 0, 1));
    CHECK_FALSE(scanner.at_frame_end());
    CHECK_FALSE(first.last_frame_end);
    ScanResult rest = scanner.scan(span_of(audio, 1, 500));
    CHECK_FALSE(scanner.at_frame_end());
    CHECK(rest.payload_bytes == 1000);
    ScanResult last = scanner.scan(span_of(audio, 501));
    CHECK(scanner.at_frame_end());
    REQUIRE(last.last_frame_end);
    CHECK(*last.last_frame_end == audio.size() - 501);
    CHECK(last.binary_messages == 1);
}

TEST_CASE("the scanner counts a fragmented message once, with pings between its frames") {
    WebSocketScanner scanner(false, 65536);
    scanner.keep_texts(true);
    const std::string stream = frame(0x1, "hel", false, false) + frame(0x9, "", false) +
                               frame(0x0, "lo", false, false) + frame(0x0, "!", false);
    const Totals totals = scan_in_pieces(scanner, stream, 2);
    CHECK(totals.problem == ScanProblem::none);
    CHECK(totals.texts == 1);
    REQUIRE(totals.kept.size() == 1);
    CHECK(totals.kept[0] == "hello!");
}

TEST_CASE("the scanner stops at what RFC 6455 forbids") {
    struct Case {
        std::string name;
        std::string bytes;
        bool from_client;
        ScanProblem problem;
    };
    std::string reserved = frame(0x2, "x", true);
    reserved[0] = static_cast<char>(reserved[0] | 0x40);
    const std::vector<Case> cases = {
        {"an unmasked device frame", frame(0x2, "x", false), true, ScanProblem::mask_missing},
        {"a masked upstream frame", frame(0x2, "x", true), false, ScanProblem::mask_unexpected},
        {"RSV1 without an extension", reserved, true, ScanProblem::reserved_bits},
        {"opcode 3", frame(0x3, "x", true), true, ScanProblem::unknown_opcode},
        {"a fragmented ping", frame(0x9, "x", true, false), true, ScanProblem::bad_control_frame},
        {"a 126-byte ping", frame(0x9, std::string(126, 'p'), true), true,
         ScanProblem::bad_control_frame},
        {"a lone continuation", frame(0x0, "x", true), true, ScanProblem::continuation_unexpected},
        {"text inside a fragmented message", frame(0x1, "a", true, false) + frame(0x1, "b", true),
         true, ScanProblem::continuation_expected},
        {"a 1-byte close", frame(0x8, "x", true), true, ScanProblem::bad_close},
        {"a message over the limit in fragments",
         frame(0x2, std::string(600, 'a'), true, false) + frame(0x0, std::string(600, 'b'), true),
         true, ScanProblem::too_big},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        WebSocketScanner scanner(c.from_client, 1000);
        const Totals totals =
            scan_in_pieces(scanner, c.bytes + frame(0x2, "after", c.from_client), 5);
        CHECK(totals.problem == c.problem);
        CHECK(close_code_of(c.problem) == (c.problem == ScanProblem::too_big ? 1009 : 1002));
        CHECK_FALSE(describe(c.problem).empty());
    }
}

TEST_CASE("a frame's length announced above the limit is refused before its payload") {
    WebSocketScanner scanner(true, 65536);
    const std::string header = frame(0x2, std::string(70000, 'a'), true).substr(0, 14);
    CHECK(scanner.scan(span_of(header)).problem == ScanProblem::too_big);
}

TEST_CASE("close_frame writes the frame a scanner reads back") {
    SECTION("unmasked, to a device") {
        const std::string bytes = close_frame(1008, "slow_reader");
        CHECK(bytes.substr(0, 4) == std::string("\x88\x0d\x03\xf0", 4));
        WebSocketScanner scanner(false, 65536);
        const ScanResult result = scanner.scan(span_of(bytes));
        REQUIRE(result.close);
        CHECK(result.close->code == 1008);
        CHECK(result.close->reason == "slow_reader");
        CHECK(scanner.at_frame_end());
    }
    SECTION("masked, to an upstream, with the reason cut to 123 bytes") {
        const std::string bytes = close_frame(1001, std::string(200, 'r'), kMask);
        CHECK(bytes.size() == 2 + 4 + 125);
        WebSocketScanner scanner(true, 65536);
        const ScanResult result = scanner.scan(span_of(bytes));
        CHECK(result.problem == ScanProblem::none);
        REQUIRE(result.close);
        CHECK(result.close->code == 1001);
        CHECK(result.close->reason == std::string(123, 'r'));
    }
}

TEST_CASE("websocket_frame writes 7, 16 and 64-bit lengths a scanner reads back") {
    for (const std::size_t size : {std::size_t{5}, std::size_t{300}, std::size_t{70000}}) {
        CAPTURE(size);
        const std::string payload(size, 't');
        const std::string bytes = websocket_frame(0x1, payload, kMask);
        CHECK(bytes == frame(0x1, payload, true));
        WebSocketScanner scanner(true, 100000);
        scanner.keep_texts(true);
        const ScanResult result = scanner.scan(span_of(bytes));
        REQUIRE(result.texts.size() == 1);
        CHECK(result.texts[0] == payload);
    }
}
