// spdlog set-up for serve: human lines on a terminal, JSON lines otherwise or when asked.
#pragma once

#include <string>

namespace xiaozhi::server {

enum class LogFormat { automatic, text, json };

// Parses "auto", "text" or "json"; throws std::invalid_argument otherwise.
LogFormat parse_log_format(const std::string& name);

// What configure_logging chose: JSON lines or text, and whether they go to the journal.
struct LogSetup {
    bool json = false;
    bool journal = false;
};

// Sends the default logger to standard error in `format` (automatic: text on a
// TTY, JSON lines otherwise) at `level` ("trace", "debug", "info", "warn",
// "error", "critical", "off"; the reference's upper-case names are accepted).
// Throws std::invalid_argument for an unknown level. Returns what it chose.
// Events (log_event) are logfmt after their sentence in text, objects in JSON; on the
// journal each line starts with its syslog priority ("<4>") and text lines carry no time.
LogSetup configure_logging(LogFormat format, const std::string& level);

}  // namespace xiaozhi::server
