// log_event: renders an event as logfmt or as a JSON object and hands it to the default logger.
#include "log_event.hpp"

#include <atomic>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "config/node.hpp"

namespace xiaozhi::server {

namespace {

std::atomic<EventFormat> event_format{EventFormat::text};

bool needs_quotes(std::string_view text) {
    if (text.empty()) return true;
    for (const char c : text) {
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f ||
            static_cast<unsigned char>(c) < 0x20) {
            return true;
        }
    }
    return false;
}

void append_logfmt_text(std::string& out, std::string_view text) {
    if (needs_quotes(text)) {
        out += config::double_quoted(text);
    } else {
        out += text;
    }
}

std::string text_line(std::string_view message, std::initializer_list<LogField> fields) {
    std::string out(message);
    for (const LogField& field : fields) {
        out += ' ';
        out += field.key;
        out += '=';
        std::visit(
            [&out](const auto& value) {
                using T = std::decay_t<decltype(value)>;
                if constexpr (std::is_same_v<T, std::string_view>) {
                    append_logfmt_text(out, value);
                } else if constexpr (std::is_same_v<T, bool>) {
                    out += value ? "true" : "false";
                } else {
                    out += fmt::format("{}", value);
                }
            },
            field.value);
    }
    return out;
}

std::string json_line(std::string_view event, std::string_view message,
                      std::initializer_list<LogField> fields) {
    nlohmann::ordered_json line;
    line["event"] = std::string(event);
    line["message"] = std::string(message);
    for (const LogField& field : fields) {
        std::visit(
            [&](const auto& value) {
                using T = std::decay_t<decltype(value)>;
                if constexpr (std::is_same_v<T, std::string_view>) {
                    line[std::string(field.key)] = std::string(value);
                } else if constexpr (std::is_same_v<T, double>) {
                    if (std::isfinite(value)) {
                        line[std::string(field.key)] = value;
                    } else {
                        line[std::string(field.key)] = nullptr;
                    }
                } else {
                    line[std::string(field.key)] = value;
                }
            },
            field.value);
    }
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

LogField number_or_text(std::string_view key, std::string_view text) {
    std::uint64_t number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (!text.empty() && error == std::errc() && end == text.data() + text.size()) {
        return {key, number};
    }
    return {key, text};
}

void set_event_format(EventFormat format) {
    event_format.store(format);
}

std::string render_event(EventFormat format, std::string_view event, std::string_view message,
                         std::initializer_list<LogField> fields) {
    return format == EventFormat::json ? json_line(event, message, fields)
                                       : text_line(message, fields);
}

void log_event(spdlog::level::level_enum level, std::string_view event, std::string_view message,
               std::initializer_list<LogField> fields) {
    const auto logger = spdlog::default_logger_raw();
    if (!logger->should_log(level)) return;
    logger->log(level, "{}", render_event(event_format.load(), event, message, fields));
}

}  // namespace xiaozhi::server
