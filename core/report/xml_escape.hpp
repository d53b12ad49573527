// Internal to report: text made safe for XML attributes and element content.
#pragma once

#include <string>
#include <string_view>

namespace xiaozhi::report {

// Escapes & < > " ' as entities, tab/newline/carriage return as character references,
// writes other control characters as "\xNN" (XML 1.0 cannot hold them at all) and
// replaces invalid UTF-8 with U+FFFD, so the result is well-formed anywhere in a document.
std::string xml_escape(std::string_view text);

}  // namespace xiaozhi::report
