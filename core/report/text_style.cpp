// ANSI styling and counted nouns for the text outputs.
#include "report/text_style.hpp"

namespace xiaozhi::report {

namespace {

std::string_view ansi_code(Style style) {
    switch (style) {
        case Style::bold:
            return "\x1b[1m";
        case Style::dim:
            return "\x1b[2m";
        case Style::red:
            return "\x1b[31m";
        case Style::green:
            return "\x1b[32m";
        case Style::yellow:
            return "\x1b[33m";
        case Style::cyan:
            return "\x1b[36m";
    }
    return "";
}

constexpr std::string_view ansi_reset = "\x1b[0m";

}  // namespace

std::string styled(std::string_view text, Style style, bool color) {
    if (!color || text.empty()) return std::string(text);
    std::string result(ansi_code(style));
    result += text;
    result += ansi_reset;
    return result;
}

Style severity_style(analysis::Severity severity) {
    switch (severity) {
        case analysis::Severity::error:
            return Style::red;
        case analysis::Severity::warning:
            return Style::yellow;
        case analysis::Severity::info:
            return Style::cyan;
    }
    return Style::bold;
}

std::string counted(std::size_t count, std::string_view noun) {
    std::string result = std::to_string(count);
    result += ' ';
    result += noun;
    if (count != 1) result += 's';
    return result;
}

}  // namespace xiaozhi::report
