// UTC times as text with std::chrono's civil calendar (no time zone database, no locale).
#include "tls/utc_time.hpp"

#include <cstdio>

namespace xiaozhi::tls {

namespace {

using std::chrono::system_clock;

struct Parts {
    std::chrono::year_month_day date;
    std::chrono::hh_mm_ss<std::chrono::seconds> clock;
};

Parts parts_of(system_clock::time_point time) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
    const auto day = std::chrono::floor<std::chrono::days>(seconds);
    return {std::chrono::year_month_day(day), std::chrono::hh_mm_ss(seconds - day)};
}

// Exactly `width` decimal digits at `text[at]`.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t width) {
    if (at + width > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + width; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

}  // namespace

std::string utc_date_text(system_clock::time_point time) {
    const Parts parts = parts_of(time);
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(parts.date.year()),
                  static_cast<unsigned>(parts.date.month()),
                  static_cast<unsigned>(parts.date.day()));
    return text;
}

std::string utc_time_text(system_clock::time_point time) {
    const Parts parts = parts_of(time);
    char text[32];
    std::snprintf(text, sizeof text, "T%02d:%02d:%02dZ",
                  static_cast<int>(parts.clock.hours().count()),
                  static_cast<int>(parts.clock.minutes().count()),
                  static_cast<int>(parts.clock.seconds().count()));
    return utc_date_text(time) + text;
}

std::optional<system_clock::time_point> parse_utc_time(std::string_view text) {
    auto year = digits(text, 0, 4);
    auto month = digits(text, 5, 2);
    auto day = digits(text, 8, 2);
    if (!year || !month || !day || text.size() < 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(*year),
                                           std::chrono::month(static_cast<unsigned>(*month)),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) return std::nullopt;
    system_clock::time_point midnight = std::chrono::sys_days(date);
    if (text.size() == 10) return midnight;
    auto hour = digits(text, 11, 2);
    auto minute = digits(text, 14, 2);
    auto second = digits(text, 17, 2);
    if (text.size() != 20 || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' ||
        text[16] != ':' || text[19] != 'Z' || !hour || !minute || !second || *hour > 23 ||
        *minute > 59 || *second > 59) {
        return std::nullopt;
    }
    return midnight + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(*second);
}

}  // namespace xiaozhi::tls
