// Durations written on the command line: "500ms", "10s", "2m", "1h", or bare seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace xiaozhi::config {

// The non-negative decimal number (digits and '.') at the start of `text`, with `rest`
// set to what follows it; nullopt when `text` does not start with one.
std::optional<double> leading_number(std::string_view text, std::string_view& rest);

// Parses a non-negative duration: a number (fractions allowed) followed by ms, s, m or
// h, or no unit for seconds. nullopt for anything else.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace xiaozhi::config
