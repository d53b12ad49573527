// Node::render: a value as a person would write it in YAML flow style, for messages.
#include <charconv>
#include <cmath>
#include <cstdio>

#include "config/node.hpp"
#include "config/parse_detail.hpp"

namespace xiaozhi::config {

namespace {

// Whether a string can be written without quotes and still read back as the same string.
bool is_plain_safe(const std::string& text) {
    if (text.empty() || text.front() == ' ' || text.back() == ' ') return false;
    if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(text.front()) != std::string_view::npos) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) return false;
        if (text[i] == ',' || text[i] == '[' || text[i] == ']' || text[i] == '{' ||
            text[i] == '}') {
            return false;
        }
        if (text[i] == ':' && (i + 1 == text.size() || text[i + 1] == ' ')) return false;
        if (text[i] == '#' && text[i - 1] == ' ') return false;
    }
    return detail::resolve_plain_scalar(text, Position{}).kind == Kind::string;
}

std::string render_string(const std::string& text) {
    return is_plain_safe(text) ? text : double_quoted(text);
}

std::string render_floating(double value) {
    if (std::isnan(value)) return ".nan";
    if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string out(buffer, error == std::errc() ? end : buffer);
    if (out.find_first_of(".eEn") == std::string::npos) out += ".0";
    return out;
}

}  // namespace

std::string double_quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    char escape[8];
                    std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned char>(c));
                    out += escape;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string Node::render() const {
    switch (kind) {
        case Kind::null:
            return "null";
        case Kind::boolean:
            return boolean ? "true" : "false";
        case Kind::integer:
            return std::to_string(integer);
        case Kind::floating:
            return render_floating(floating);
        case Kind::string:
            return render_string(text);
        case Kind::list: {
            std::string out = "[";
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (i > 0) out += ", ";
                out += items[i].render();
            }
            return out + "]";
        }
        case Kind::map: {
            std::string out = "{";
            for (std::size_t i = 0; i < entries.size(); ++i) {
                if (i > 0) out += ", ";
                out += render_string(entries[i].first) + ": " + entries[i].second.render();
            }
            return out + "}";
        }
    }
    return "null";
}

}  // namespace xiaozhi::config
