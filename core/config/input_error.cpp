// InputError: a one-line "file:line:col: message" error about user input.
#include "config/input_error.hpp"

#include "config/parse_detail.hpp"

namespace xiaozhi::config {

namespace {

std::string format_error(const Position& pos, const std::string& message) {
    const std::string where = pos.to_string();
    return where.empty() ? message : where + ": " + message;
}

}  // namespace

InputError::InputError(Position pos, const std::string& message)
    : std::runtime_error(format_error(pos, detail::one_line(message))),
      pos_(std::move(pos)),
      message_(detail::one_line(message)) {}

}  // namespace xiaozhi::config
