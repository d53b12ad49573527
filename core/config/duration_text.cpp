// leading_number and parse_duration: a number and a unit.
#include "config/duration_text.hpp"

#include <charconv>
#include <cmath>

namespace xiaozhi::config {

std::optional<double> leading_number(std::string_view text, std::string_view& rest) {
    std::size_t end = 0;
    while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) {
        ++end;
    }
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, value);
    if (end == 0 || ec != std::errc{} || ptr != text.data() + end) return std::nullopt;
    rest = text.substr(end);
    return value;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::string_view unit;
    const auto value = leading_number(text, unit);
    if (!value) return std::nullopt;
    double factor = 0;
    if (unit == "ms") {
        factor = 1;
    } else if (unit.empty() || unit == "s") {
        factor = 1000;
    } else if (unit == "m") {
        factor = 60'000;
    } else if (unit == "h") {
        factor = 3'600'000;
    } else {
        return std::nullopt;
    }
    const double ms = *value * factor;
    if (!std::isfinite(ms) || ms > 1e12) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms)));
}

}  // namespace xiaozhi::config
