// UTC times as text: "2026-01-31T12:00:00Z" (snapshots, --now) and "2026-01-31" (messages).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::tls {

// "2026-01-31T12:00:00Z", to the second.
std::string utc_time_text(std::chrono::system_clock::time_point time);

// "2026-01-31".
std::string utc_date_text(std::chrono::system_clock::time_point time);

// "YYYY-MM-DDTHH:MM:SSZ" (a space for the T is accepted, the Z is required) or "YYYY-MM-DD"
// (midnight UTC); nullopt for anything else, an impossible date included.
std::optional<std::chrono::system_clock::time_point> parse_utc_time(std::string_view text);

}  // namespace xiaozhi::tls
