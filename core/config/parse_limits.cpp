// The errors and running counts behind the configuration limits.
#include "config/parse_limits.hpp"

#include <string>
#include <utility>

#include "config/parse.hpp"

namespace xiaozhi::config::detail {

namespace {

constexpr std::string_view limit_note = " (the limit for configuration files)";

InputError limit_error(Position pos, const std::string& what) {
    return InputError(std::move(pos), what + std::string(limit_note));
}

}  // namespace

InputError too_deep(Position pos) {
    return limit_error(std::move(pos),
                       "nested deeper than " + std::to_string(max_config_depth) + " levels");
}

InputError too_many_values(Position pos) {
    return limit_error(std::move(pos),
                       "more than " + std::to_string(max_config_values) + " values");
}

InputError too_long_string(Position pos) {
    return limit_error(std::move(pos), "a string longer than " +
                                           std::to_string(max_config_string_bytes) + " bytes");
}

InputError too_long_key(Position pos) {
    return limit_error(std::move(pos),
                       "a key longer than " + std::to_string(max_config_string_bytes) + " bytes");
}

void DocumentLimits::container(int depth, const Position& pos) {
    if (depth > max_config_depth) throw too_deep(pos);
    count_value(pos);
}

void DocumentLimits::count_value(const Position& pos) {
    if (++values_ > max_config_values) throw too_many_values(pos);
}

void DocumentLimits::count_copy(const Node& copy) {
    count_value(copy.pos);
    for (const auto& item : copy.items) count_copy(item);
    for (const auto& [key, value] : copy.entries) count_copy(value);
}

void DocumentLimits::check_string(std::string_view text, const Position& pos) {
    if (text.size() > max_config_string_bytes) throw too_long_string(pos);
}

void DocumentLimits::check_key(std::string_view key, const Position& pos) {
    if (key.size() > max_config_string_bytes) throw too_long_key(pos);
}

}  // namespace xiaozhi::config::detail
