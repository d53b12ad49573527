// Internal to report: ANSI styling and counted nouns for the text outputs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "analysis/finding.hpp"

namespace xiaozhi::report {

enum class Style { bold, dim, red, green, yellow, cyan };

// `text` wrapped in the ANSI codes of `style` when `color`, else `text` unchanged.
std::string styled(std::string_view text, Style style, bool color);

// The colour a severity is shown in: red error, yellow warning, cyan info.
Style severity_style(analysis::Severity severity);

// "1 warning", "2 warnings", "0 infos".
std::string counted(std::size_t count, std::string_view noun);

}  // namespace xiaozhi::report
