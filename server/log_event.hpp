// Structured log events: a stable event name, typed fields and a short sentence, as logfmt or JSON.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

#include <spdlog/common.h>

namespace xiaozhi::server {

// One field of an event: a key and a text, integer, real or boolean value. Holds views:
// it lives only as long as the log_event call it is written in.
struct LogField {
    using Value = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool>;

    LogField(std::string_view field_key, std::string_view text) : key(field_key), value(text) {}
    LogField(std::string_view field_key, const std::string& text) : key(field_key), value(text) {}
    LogField(std::string_view field_key, const char* text)
        : key(field_key), value(std::string_view(text)) {}
    LogField(std::string_view field_key, bool flag) : key(field_key), value(flag) {}
    LogField(std::string_view field_key, double number) : key(field_key), value(number) {}
    template <std::signed_integral T>
    LogField(std::string_view field_key, T number)
        : key(field_key), value(static_cast<std::int64_t>(number)) {}
    template <std::unsigned_integral T>
    requires(!std::same_as<T, bool>) LogField(std::string_view field_key, T number)
        : key(field_key), value(static_cast<std::uint64_t>(number)) {}

    std::string_view key;
    Value value;
};

// `text` as a number when it is one (a revision kept as text), else as text.
LogField number_or_text(std::string_view key, std::string_view text);

// How events are written: logfmt after the sentence (text) or one JSON object per line.
enum class EventFormat { text, json };

// Chooses the format of every later event (configure_logging calls it).
void set_event_format(EventFormat format);

// `message key=value ...` in text, values quoted when they hold a space, a quote, '=' or
// nothing; {"event":..,"message":..,<fields>} in JSON, the formatter adding time and level.
// Field keys must not be time, level, event or message. Nothing is built below the level.
void log_event(spdlog::level::level_enum level, std::string_view event, std::string_view message,
               std::initializer_list<LogField> fields = {});

inline void log_debug(std::string_view event, std::string_view message,
                      std::initializer_list<LogField> fields = {}) {
    log_event(spdlog::level::debug, event, message, fields);
}
inline void log_info(std::string_view event, std::string_view message,
                     std::initializer_list<LogField> fields = {}) {
    log_event(spdlog::level::info, event, message, fields);
}
inline void log_warn(std::string_view event, std::string_view message,
                     std::initializer_list<LogField> fields = {}) {
    log_event(spdlog::level::warn, event, message, fields);
}
inline void log_error(std::string_view event, std::string_view message,
                      std::initializer_list<LogField> fields = {}) {
    log_event(spdlog::level::err, event, message, fields);
}

// The line log_event would hand to spdlog in `format` (for tests and the formatter's tests).
std::string render_event(EventFormat format, std::string_view event, std::string_view message,
                         std::initializer_list<LogField> fields);

}  // namespace xiaozhi::server
