// TextPositions: character and UTF-16 columns of byte offsets, from checkpoints along the text.
#include "config/text_positions.hpp"

#include <algorithm>

namespace xiaozhi::config {

namespace {

constexpr std::size_t checkpoint_spacing = 256;
constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

TextPositions::TextPositions(std::string_view content, std::string file)
    : content_(content), file_(std::move(file)) {
    if (content_.substr(0, byte_order_mark.size()) == byte_order_mark) {
        start_.offset = byte_order_mark.size();
    }
    last_.place = start_;
    Place place = start_;
    std::size_t next_checkpoint = place.offset + checkpoint_spacing;
    while (place.offset < content_.size()) {
        step(place);
        if (place.offset >= next_checkpoint) {
            checkpoints_.push_back(place);
            next_checkpoint = place.offset + checkpoint_spacing;
        }
    }
}

std::size_t TextPositions::character_end(std::size_t offset) const {
    if (offset >= content_.size()) return offset + 1;
    const auto lead = static_cast<unsigned char>(content_[offset]);
    if (lead < 0xC0) return offset + 1;  // ASCII, or a stray continuation byte
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    std::size_t end = offset + 1;
    while (end < offset + length && end < content_.size() && is_continuation(content_[end])) {
        ++end;
    }
    return end;
}

void TextPositions::step(Place& place) const {
    const auto lead = static_cast<unsigned char>(content_[place.offset]);
    place.offset = character_end(place.offset);
    if (lead == '\n') {
        ++place.line;
        place.column = 0;
        place.utf16_column = 0;
        return;
    }
    ++place.column;
    place.utf16_column += lead >= 0xF0 ? 2 : 1;  // beyond U+FFFF: a surrogate pair
}

template <typename Before>
TextPositions::Place TextPositions::walk(const Before& before) const {
    // Parsers ask in text order, mostly: then go on from the last answer.
    const bool after_last = before(last_.place);
    auto first = checkpoints_.begin();
    if (after_last) first += static_cast<std::ptrdiff_t>(last_.next_checkpoint);
    const bool near = after_last && (first == checkpoints_.end() || !before(*first));
    const auto after = near ? first : std::partition_point(first, checkpoints_.end(), before);
    const auto next = static_cast<std::size_t>(after - checkpoints_.begin());
    Place place = next == 0 ? start_ : checkpoints_[next - 1];
    if (after_last && last_.place.offset > place.offset) place = last_.place;
    while (place.offset < content_.size() && before(place)) step(place);
    last_ = LastLookup{place, next};
    return place;
}

Position TextPositions::position_of(const Place& place) const {
    return Position{file_, place.line + 1, place.column + 1, place.utf16_column + 1};
}

Position TextPositions::at_offset(std::size_t offset) const {
    // Stops at the character that holds `offset`, should it point inside one.
    return position_of(
        walk([this, offset](const Place& place) { return character_end(place.offset) <= offset; }));
}

Position TextPositions::at_column(int line, int column) const {
    if (line <= 0 || column <= 0) return Position{file_, line, column};
    const Place target{0, line - 1, column - 1, 0};
    const Place place = walk([&target](const Place& at) {
        return at.line < target.line || (at.line == target.line && at.column < target.column);
    });
    if (place.line != target.line || place.column != target.column) {
        return Position{file_, line, column};
    }
    return position_of(place);
}

}  // namespace xiaozhi::config
