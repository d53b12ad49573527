// Internal to report: text made safe for XML attributes and element content.
#pragma once

#include <string>
#include <string_view>

namespace xiaozhi::report {

// For attribute values: escapes & < > " ' as entities, tab/newline/carriage return as
// character references, writes other control characters as "\xNN" (XML 1.0 cannot hold
// them at all) and replaces invalid UTF-8 with U+FFFD, so the result is well-formed.
std::string xml_escape(std::string_view text);

// For element content: as xml_escape, but tabs and newlines stay as they are.
std::string xml_escape_content(std::string_view text);

}  // namespace xiaozhi::report
