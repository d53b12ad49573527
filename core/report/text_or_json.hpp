// Internal to report: the guard of the outputs that exist only as text and json.
#pragma once

#include <string_view>

#include "report/format.hpp"

namespace xiaozhi::report {

// Throws std::invalid_argument naming `output` when `format` is neither text nor json.
void require_text_or_json(Format format, std::string_view output);

}  // namespace xiaozhi::report
