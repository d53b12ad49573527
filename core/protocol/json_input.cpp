// Exception-free, depth-limited parsing of JSON objects received from peers.
#include "protocol/json_input.hpp"

namespace xiaozhi::protocol {

namespace {

// Nesting depth of brackets outside string literals; stops counting past the limit.
bool nesting_within_limit(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth) return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

}  // namespace

std::optional<nlohmann::json> parse_json_object(std::string_view text, std::string& error) {
    if (!nesting_within_limit(text)) {
        error = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
        return std::nullopt;
    }
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded()) {
        error = "not JSON";
        return std::nullopt;
    }
    if (!value.is_object()) {
        error = "not a JSON object";
        return std::nullopt;
    }
    return value;
}

std::optional<std::string> string_member(const nlohmann::json& object, const char* key,
                                         bool& wrong_type) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
        wrong_type = true;
        return std::nullopt;
    }
    return it->get<std::string>();
}

}  // namespace xiaozhi::protocol
