// Text helpers shared by the parsers: binary detection, one-line messages.
#include "config/input_error.hpp"
#include "config/parse_detail.hpp"
#include "config/text_positions.hpp"

namespace xiaozhi::config::detail {

std::string one_line(std::string_view message) {
    std::string out;
    bool pending_space = false;
    for (char c : message) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f || c == ' ') {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += c;
    }
    return out;
}

std::string not_a_map_message(Kind found) {
    const std::string_view name = kind_name(found);
    return std::string("expected a map at the top level, found ") +
           (found == Kind::integer ? "an " : "a ") + std::string(name);
}

namespace {

// Length of the UTF-8 sequence starting at `i`, or 0 when it is invalid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char min_second = 0x80;
    unsigned char max_second = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        if (lead == 0xe0) min_second = 0xa0;  // overlong
        if (lead == 0xed) max_second = 0x9f;  // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        if (lead == 0xf0) min_second = 0x90;  // overlong
        if (lead == 0xf4) max_second = 0x8f;  // beyond U+10FFFF
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < min_second || second > max_second) return 0;
    for (std::size_t k = 2; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if (next < 0x80 || next > 0xbf) return 0;
    }
    return length;
}

}  // namespace

void require_text(std::string_view content, const std::string& file) {
    std::size_t i = 0;
    while (i < content.size()) {
        if (content[i] == '\0') {
            throw InputError(TextPositions(content, file).at_offset(i),
                             "binary content (NUL byte)");
        }
        const std::size_t length = utf8_sequence_length(content, i);
        if (length == 0) {
            throw InputError(TextPositions(content, file).at_offset(i),
                             "binary content (invalid UTF-8)");
        }
        i += length;
    }
}

}  // namespace xiaozhi::config::detail
