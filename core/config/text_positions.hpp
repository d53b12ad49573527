// Byte offsets of a text turned into positions as an editor shows them (character columns).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/node.hpp"

namespace xiaozhi::config {

// The positions of places in one UTF-8 text: 1-based lines, columns that count characters
// (code points) and the same columns in UTF-16 code units. A leading byte order mark is no
// column. Bytes that are not valid UTF-8 count as best they can, never past the text. The
// text must outlive this object; a lookup scans at most a few hundred bytes (it remembers
// the last one, so it is not to be shared between threads).
class TextPositions {
  public:
    TextPositions(std::string_view content, std::string file);

    // The position of the character at byte `offset` (the end of the text beyond it).
    Position at_offset(std::size_t offset) const;
    // The position of the `column`-th character (1-based, as toml++ counts) of `line`.
    Position at_column(int line, int column) const;

  private:
    // The counts at one character boundary: lines and columns before it, 0-based.
    struct Place {
        std::size_t offset = 0;
        int line = 0;
        int column = 0;
        int utf16_column = 0;
    };

    // The offset just past the character that starts at `offset`.
    std::size_t character_end(std::size_t offset) const;
    // Moves `place` past one character (or one line break).
    void step(Place& place) const;
    // The first place, in text order, for which `before` no longer holds (or the end).
    template <typename Before>
    Place walk(const Before& before) const;
    Position position_of(const Place& place) const;

    // The answer of the last lookup, and the first checkpoint after it.
    struct LastLookup {
        Place place;
        std::size_t next_checkpoint = 0;
    };

    std::string_view content_;
    std::string file_;
    Place start_;
    std::vector<Place> checkpoints_;  // every few hundred bytes, in text order
    mutable LastLookup last_;
};

}  // namespace xiaozhi::config
