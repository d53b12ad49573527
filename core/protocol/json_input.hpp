// Internal JSON helpers: exception-free, depth-limited parsing of peer text; safe dumping.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace xiaozhi::protocol {

// Deepest nesting of arrays and objects accepted from a peer; deeper text is
// rejected before parsing, so that no later dump or copy recurses without bound.
inline constexpr int kMaxJsonDepth = 64;

// Parses `text` as one JSON object. On failure returns nullopt and sets `error`
// to "not JSON", "nested deeper than 64 levels" or "not a JSON object".
std::optional<nlohmann::json> parse_json_object(std::string_view text, std::string& error);

// The member `key` of `object` when it is a string; nullopt when absent or null.
// Sets `wrong_type` when present with another type.
std::optional<std::string> string_member(const nlohmann::json& object, const char* key,
                                         bool& wrong_type);

// Compact JSON text of a message this side builds; invalid UTF-8 in a string
// (which a peer or a file may have supplied) becomes U+FFFD instead of throwing.
template <typename JsonType>
std::string dump_text(const JsonType& json) {
    return json.dump(-1, ' ', false, JsonType::error_handler_t::replace);
}

}  // namespace xiaozhi::protocol
