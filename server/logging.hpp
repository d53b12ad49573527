// spdlog set-up for serve: human lines on a terminal, JSON lines otherwise or when asked.
#pragma once

#include <string>

namespace xiaozhi::server {

enum class LogFormat { automatic, text, json };

// Parses "auto", "text" or "json"; throws std::invalid_argument otherwise.
LogFormat parse_log_format(const std::string& name);

// Sends the default logger to standard error in `format` (automatic: text on a
// TTY, JSON lines otherwise) at `level` ("trace", "debug", "info", "warn",
// "error", "critical", "off"; the reference's upper-case names are accepted).
// Throws std::invalid_argument for an unknown level. Returns whether lines are JSON.
bool configure_logging(LogFormat format, const std::string& level);

}  // namespace xiaozhi::server
