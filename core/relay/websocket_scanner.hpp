// WebSocketScanner: follows one direction of a relayed WebSocket connection frame by frame.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace xiaozhi::relay {

// What RFC 6455 forbids in a frame (or the relay's size limit refuses).
enum class ScanProblem : std::uint8_t {
    none,
    reserved_bits,            // RSV1-3 set: no extension was negotiated
    unknown_opcode,           // opcodes 3-7 and 11-15
    bad_control_frame,        // a fragmented control frame or one above 125 bytes
    mask_missing,             // an unmasked frame from a client
    mask_unexpected,          // a masked frame from a server
    continuation_unexpected,  // a continuation frame outside a fragmented message
    continuation_expected,    // a new message before the fragmented one ended
    too_big,                  // a message above the size limit
    bad_close,                // a close frame with a 1-byte payload
};

// The close code a problem is answered with: 1009 for too_big, 1002 for the others.
std::uint16_t close_code_of(ScanProblem problem);
// "an unmasked frame from a client", ...
std::string_view describe(ScanProblem problem);

struct CloseFrame {
    std::uint16_t code = 1005;  // 1005: the frame carried no code
    std::string reason;
};

// What one chunk of the stream held.
struct ScanResult {
    ScanProblem problem = ScanProblem::none;
    std::uint32_t text_messages = 0;    // text messages that ended in the chunk
    std::uint32_t binary_messages = 0;  // binary messages that ended in the chunk
    std::uint64_t payload_bytes = 0;    // data frame payload that began in the chunk (by header)
    std::vector<std::string> texts;     // text messages that ended, unmasked, while kept
    std::optional<CloseFrame> close;    // the first close frame that ended in the chunk
    // Just past the last frame that ended in the chunk (an offset into it).
    std::optional<std::size_t> last_frame_end;
    // Just past each data message that ended in the chunk, while asked (offsets into it).
    std::vector<std::size_t> message_ends;
};

// Reads the bytes a relay forwards unchanged, and keeps only the frame header being read,
// the payload of the control frame being read and (while asked) the text message being
// read. After a problem it reports nothing more.
class WebSocketScanner {
  public:
    // `from_client`: frames must be masked (a device's) or must not be (an upstream's).
    WebSocketScanner(bool from_client, std::uint64_t max_message_size);

    // Follows the next bytes of the stream.
    ScanResult scan(std::span<const std::uint8_t> bytes);

    // Whether the bytes so far end where a frame ends, so a frame may follow.
    bool at_frame_end() const { return !in_payload_ && header_size_ == 0; }
    // Whether whole text messages are kept in ScanResult::texts (off by default).
    void keep_texts(bool keep);
    // Whether ScanResult::message_ends is filled (off by default).
    void record_message_ends(bool record) { record_message_ends_ = record; }

  private:
    void take_header(ScanResult& result);
    void take_payload(std::span<const std::uint8_t> bytes);
    void end_frame(ScanResult& result, std::size_t offset);
    bool keeping_payload() const;

    bool from_client_;
    std::uint64_t max_message_size_;
    bool keep_texts_ = false;
    bool record_message_ends_ = false;
    ScanProblem problem_ = ScanProblem::none;

    std::array<std::uint8_t, 14> header_{};
    std::size_t header_size_ = 0;    // header bytes read so far
    std::size_t header_needed_ = 2;  // 2 until the second byte tells the rest

    bool in_payload_ = false;
    std::uint8_t opcode_ = 0;
    bool fin_ = false;
    std::array<std::uint8_t, 4> mask_{};
    bool masked_ = false;
    std::uint64_t payload_left_ = 0;
    std::uint64_t payload_offset_ = 0;  // of the frame being read: for the mask
    std::string control_;               // the control frame's payload, unmasked

    bool in_message_ = false;  // a fragmented data message is open
    bool message_text_ = false;
    std::uint64_t message_size_ = 0;
    std::string text_;  // the text message being kept
};

}  // namespace xiaozhi::relay
