// The one error type for unreadable or invalid input: carries the position it is about.
#pragma once

#include <stdexcept>
#include <string>

#include "config/node.hpp"

namespace xiaozhi::config {

// what() is "file:line:col: message" (or "file: message" without a line);
// the CLI prints it as one line and exits 2.
class InputError : public std::runtime_error {
public:
    InputError(Position pos, const std::string& message);
    const Position& position() const { return pos_; }
    const std::string& message() const { return message_; }

private:
    Position pos_;
    std::string message_;
};

}  // namespace xiaozhi::config
