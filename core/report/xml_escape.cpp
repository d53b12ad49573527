// XML escaping that keeps a document well-formed whatever bytes a message holds.
#include "report/xml_escape.hpp"

#include <cstdio>

namespace xiaozhi::report {

namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

bool is_continuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

// Length of the valid UTF-8 sequence of a non-ASCII character at the start of `text`, or 0.
// Overlong forms, surrogates, code points above U+10FFFF and U+FFFE/U+FFFF are invalid.
std::size_t utf8_sequence_length(std::string_view text) {
    const auto byte = [&text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) second_min = 0xA0;
        if (lead == 0xED) second_max = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) second_min = 0x90;
        if (lead == 0xF4) second_max = 0x8F;
    } else {
        return 0;
    }
    if (text.size() < length) return 0;
    if (byte(1) < second_min || byte(1) > second_max) return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if (!is_continuation(byte(i))) return 0;
    }
    if (lead == 0xEF && byte(1) == 0xBF && (byte(2) == 0xBE || byte(2) == 0xBF)) return 0;
    return length;
}

void append_control(std::string& out, unsigned char byte, bool literal_whitespace) {
    if (literal_whitespace && (byte == '\t' || byte == '\n')) {
        out += static_cast<char>(byte);
        return;
    }
    switch (byte) {
        case '\t':
            out += "&#9;";
            return;
        case '\n':
            out += "&#10;";
            return;
        case '\r':
            out += "&#13;";
            return;
        default: {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
            out += escaped;
        }
    }
}

std::string escape(std::string_view text, bool literal_whitespace) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x80) {
            const std::size_t length = utf8_sequence_length(text.substr(i));
            if (length == 0) {
                out += replacement_character;
                ++i;
            } else {
                out += text.substr(i, length);
                i += length;
            }
            continue;
        }
        switch (byte) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                if (byte < 0x20 || byte == 0x7F) {
                    append_control(out, byte, literal_whitespace);
                } else {
                    out += static_cast<char>(byte);
                }
        }
        ++i;
    }
    return out;
}

}  // namespace

std::string xml_escape(std::string_view text) {
    return escape(text, false);
}

std::string xml_escape_content(std::string_view text) {
    return escape(text, true);
}

}  // namespace xiaozhi::report
