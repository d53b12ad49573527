// Fuzz target: WebSocketScanner over a peer's bytes whole and cut in pieces: the same findings either way.
#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "relay/websocket_scanner.hpp"

using namespace xiaozhi;

namespace {

struct Findings {
    std::uint64_t texts = 0;
    std::uint64_t binaries = 0;
    std::uint64_t payload = 0;
    std::vector<std::string> kept;
    std::vector<std::size_t> message_ends;
    std::size_t closes = 0;
    relay::ScanProblem problem = relay::ScanProblem::none;
};

// The first byte: who sent it (bit 0) and the piece size (the rest, 1 to 128 bytes).
Findings scan(std::span<const std::uint8_t> stream, bool from_client, std::size_t piece) {
    relay::WebSocketScanner scanner(from_client, 4096);
    scanner.keep_texts(true);
    scanner.record_message_ends(true);
    Findings findings;
    for (std::size_t at = 0; at < stream.size(); at += piece) {
        const auto chunk = stream.subspan(at, std::min(piece, stream.size() - at));
        relay::ScanResult result = scanner.scan(chunk);
        findings.texts += result.text_messages;
        findings.binaries += result.binary_messages;
        findings.payload += result.payload_bytes;
        for (auto& text : result.texts) findings.kept.push_back(std::move(text));
        for (std::size_t end : result.message_ends) {
            fuzz::require(end <= chunk.size(), "a message ends inside its chunk");
            findings.message_ends.push_back(at + end);
        }
        if (result.last_frame_end) {
            fuzz::require(*result.last_frame_end <= chunk.size(), "a frame ends inside its chunk");
        }
        if (result.close) ++findings.closes;
        findings.problem = result.problem;
        if (result.problem != relay::ScanProblem::none) break;
    }
    return findings;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool from_client = (data[0] & 1) != 0;
    const std::size_t piece = (data[0] >> 1) + 1;
    const std::span<const std::uint8_t> stream(data + 1, size - 1);
    const Findings whole = scan(stream, from_client, stream.size() + 1);
    const Findings cut = scan(stream, from_client, piece);
    fuzz::require(whole.problem == cut.problem, "the same problem whole and cut");
    fuzz::require(whole.texts == cut.texts && whole.binaries == cut.binaries,
                  "the same messages whole and cut");
    fuzz::require(whole.kept == cut.kept, "the same kept texts whole and cut");
    fuzz::require(whole.message_ends == cut.message_ends, "messages end at the same offsets");
    fuzz::require(whole.closes <= 1 && cut.closes <= 1 + stream.size() / 2,
                  "one close reported per chunk at most");
    for (const std::string& text : whole.kept) {
        fuzz::require(text.size() <= 4096, "a kept text stays within the limit");
    }
    return 0;
}
