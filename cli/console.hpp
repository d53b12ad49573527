// What the CLI knows about its terminal: colour, and how it words a usage error.
#pragma once

#include <string_view>

namespace xiaozhi::cli {

// Colour only when standard output is a terminal and NO_COLOR is not set (to any value).
bool stdout_wants_color();

// Prints "xiaozhi <command>: <message>" as one line on standard error; returns exit_usage.
int usage_error(std::string_view command, std::string_view message);

// Flushes standard output; false (after saying so on standard error) when it cannot be written.
bool flush_stdout();

}  // namespace xiaozhi::cli
