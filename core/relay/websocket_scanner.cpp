// WebSocketScanner: RFC 6455 frame headers read incrementally; payloads counted, not copied.
#include "relay/websocket_scanner.hpp"

#include <algorithm>

namespace xiaozhi::relay {

namespace {

constexpr std::uint8_t kContinuation = 0x0;
constexpr std::uint8_t kText = 0x1;
constexpr std::uint8_t kBinary = 0x2;
constexpr std::uint8_t kClose = 0x8;

bool is_control(std::uint8_t opcode) {
    return (opcode & 0x8) != 0;
}

bool is_known(std::uint8_t opcode) {
    return opcode <= kBinary || (opcode >= kClose && opcode <= 0xA);
}

}  // namespace

std::uint16_t close_code_of(ScanProblem problem) {
    return problem == ScanProblem::too_big ? 1009 : 1002;
}

std::string_view describe(ScanProblem problem) {
    switch (problem) {
        case ScanProblem::none:
            return "no problem";
        case ScanProblem::reserved_bits:
            return "a frame with reserved bits set";
        case ScanProblem::unknown_opcode:
            return "a frame with an unknown opcode";
        case ScanProblem::bad_control_frame:
            return "a fragmented or oversized control frame";
        case ScanProblem::mask_missing:
            return "an unmasked frame from a client";
        case ScanProblem::mask_unexpected:
            return "a masked frame from a server";
        case ScanProblem::continuation_unexpected:
            return "a continuation frame outside a message";
        case ScanProblem::continuation_expected:
            return "a new message inside a fragmented one";
        case ScanProblem::too_big:
            return "a message above server.max_message_size";
        case ScanProblem::bad_close:
            return "a close frame with a 1-byte payload";
    }
    return "unknown problem";
}

WebSocketScanner::WebSocketScanner(bool from_client, std::uint64_t max_message_size)
    : from_client_(from_client), max_message_size_(max_message_size) {}

void WebSocketScanner::keep_texts(bool keep) {
    keep_texts_ = keep;
    if (!keep) std::string().swap(text_);
}

ScanResult WebSocketScanner::scan(std::span<const std::uint8_t> bytes) {
    ScanResult result;
    std::size_t at = 0;
    while (at < bytes.size() && problem_ == ScanProblem::none) {
        if (!in_payload_) {
            const std::size_t take = std::min(header_needed_ - header_size_, bytes.size() - at);
            std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(at), take,
                        header_.begin() + static_cast<std::ptrdiff_t>(header_size_));
            header_size_ += take;
            at += take;
            if (header_size_ < header_needed_) break;
            if (header_needed_ == 2) {
                const std::uint8_t length = header_[1] & 0x7f;
                header_needed_ = 2 +
                                 (length == 126   ? 2
                                  : length == 127 ? 8
                                                  : 0) +
                                 ((header_[1] & 0x80) != 0 ? 4 : 0);
                if (header_needed_ > 2) continue;
            }
            take_header(result);
            if (problem_ != ScanProblem::none) break;
            if (payload_left_ == 0) end_frame(result, at);
            continue;
        }
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, bytes.size() - at));
        take_payload(bytes.subspan(at, take));
        at += take;
        if (payload_left_ == 0) end_frame(result, at);
    }
    result.problem = problem_;
    return result;
}

void WebSocketScanner::take_header(ScanResult& result) {
    const std::uint8_t first = header_[0];
    const std::uint8_t second = header_[1];
    fin_ = (first & 0x80) != 0;
    opcode_ = first & 0x0f;
    masked_ = (second & 0x80) != 0;
    std::size_t at = 2;
    std::uint64_t length = second & 0x7f;
    const std::size_t extended = length == 126 ? 2 : length == 127 ? 8 : 0;
    if (extended != 0) {
        length = 0;
        for (std::size_t i = 0; i < extended; ++i) length = (length << 8) | header_[at++];
    }
    if (masked_) std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(at), 4, mask_.begin());
    header_size_ = 0;
    header_needed_ = 2;
    if ((first & 0x70) != 0) {
        problem_ = ScanProblem::reserved_bits;
    } else if (!is_known(opcode_)) {
        problem_ = ScanProblem::unknown_opcode;
    } else if (masked_ != from_client_) {
        problem_ = from_client_ ? ScanProblem::mask_missing : ScanProblem::mask_unexpected;
    } else if (is_control(opcode_)) {
        if (!fin_ || length > 125) problem_ = ScanProblem::bad_control_frame;
        if (opcode_ == kClose && length == 1) problem_ = ScanProblem::bad_close;
    } else if (opcode_ == kContinuation && !in_message_) {
        problem_ = ScanProblem::continuation_unexpected;
    } else if (opcode_ != kContinuation && in_message_) {
        problem_ = ScanProblem::continuation_expected;
    } else {
        if (opcode_ != kContinuation) {
            message_text_ = opcode_ == kText;
            message_size_ = 0;
        }
        if (length > max_message_size_ - std::min(max_message_size_, message_size_)) {
            problem_ = ScanProblem::too_big;
        }
        message_size_ += length;
        in_message_ = true;
        result.payload_bytes += length;
    }
    if (problem_ != ScanProblem::none) return;
    in_payload_ = true;
    payload_left_ = length;
    payload_offset_ = 0;
}

bool WebSocketScanner::keeping_payload() const {
    return is_control(opcode_) || (keep_texts_ && message_text_);
}

void WebSocketScanner::take_payload(std::span<const std::uint8_t> bytes) {
    if (keeping_payload()) {
        std::string& into = is_control(opcode_) ? control_ : text_;
        const std::size_t start = into.size();
        into.resize(start + bytes.size());
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            const std::uint8_t key = masked_ ? mask_[(payload_offset_ + i) % 4] : 0;
            into[start + i] = static_cast<char>(bytes[i] ^ key);
        }
    }
    payload_offset_ += bytes.size();
    payload_left_ -= bytes.size();
}

void WebSocketScanner::end_frame(ScanResult& result, std::size_t offset) {
    in_payload_ = false;
    result.last_frame_end = offset;
    if (is_control(opcode_)) {
        if (opcode_ == kClose && !result.close) {
            CloseFrame close;
            if (control_.size() >= 2) {
                close.code =
                    static_cast<std::uint16_t>((static_cast<std::uint8_t>(control_[0]) << 8) |
                                               static_cast<std::uint8_t>(control_[1]));
                close.reason = control_.substr(2);
            }
            result.close = std::move(close);
        }
        control_.clear();
        return;
    }
    if (!fin_) return;
    in_message_ = false;
    if (record_message_ends_) result.message_ends.push_back(offset);
    if (message_text_) {
        ++result.text_messages;
        if (keep_texts_) {
            result.texts.push_back(std::move(text_));
            text_.clear();
        }
    } else {
        ++result.binary_messages;
    }
}

}  // namespace xiaozhi::relay
