// How an unquoted YAML scalar becomes a typed value (PyYAML's YAML 1.1 resolution).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "config/parse_detail.hpp"

namespace xiaozhi::config::detail {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool is_digit_in_base(char c, int base) {
    if (base == 16) return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    return c >= '0' && c < static_cast<char>('0' + base);
}

// Digits of `base` with optional underscores (at least one digit); nullopt when
// malformed or larger than int64 allows.
std::optional<std::int64_t> parse_digits(std::string_view digits, int base, bool negative) {
    std::string clean;
    for (char c : digits) {
        if (c == '_') continue;
        if (!is_digit_in_base(c, base)) return std::nullopt;
        clean += c;
    }
    if (clean.empty()) return std::nullopt;
    std::uint64_t magnitude = 0;
    const auto [end, error] =
        std::from_chars(clean.data(), clean.data() + clean.size(), magnitude, base);
    if (error != std::errc() || end != clean.data() + clean.size()) return std::nullopt;
    const auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (negative) {
        if (magnitude > max + 1) return std::nullopt;
        if (magnitude == max + 1) return std::numeric_limits<std::int64_t>::min();
        return -static_cast<std::int64_t>(magnitude);
    }
    if (magnitude > max) return std::nullopt;
    return static_cast<std::int64_t>(magnitude);
}

// Whether `text` looks like an integer at all (so an overflow stays a string
// instead of being read as a float).
std::optional<std::int64_t> parse_integer(std::string_view text, bool& looks_integer) {
    looks_integer = false;
    bool negative = false;
    std::string_view rest = text;
    if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
        negative = rest[0] == '-';
        rest.remove_prefix(1);
    }
    if (rest.empty() || !std::isdigit(static_cast<unsigned char>(rest[0]))) return std::nullopt;
    int base = 10;
    std::string_view digits = rest;
    if (rest.size() > 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X')) {
        base = 16;
        digits = rest.substr(2);
    } else if (rest.size() > 2 && rest[0] == '0' && (rest[1] == 'o' || rest[1] == 'O')) {
        base = 8;
        digits = rest.substr(2);
    } else if (rest.size() > 2 && rest[0] == '0' && (rest[1] == 'b' || rest[1] == 'B')) {
        base = 2;
        digits = rest.substr(2);
    } else if (rest.size() > 1 && rest[0] == '0') {
        base = 8;  // YAML 1.1: 0755 is octal
        digits = rest.substr(1);
    }
    const bool well_formed = std::all_of(digits.begin(), digits.end(), [&](char c) {
        return c == '_' || is_digit_in_base(c, base);
    });
    if (!well_formed || digits.find_first_not_of('_') == std::string_view::npos) {
        return std::nullopt;
    }
    looks_integer = true;
    return parse_digits(digits, base, negative);
}

bool is_decimal_digits(std::string_view text, bool allow_empty) {
    if (text.empty()) return allow_empty;
    if (text.find_first_not_of('_') == std::string_view::npos && !allow_empty) return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return c == '_' || std::isdigit(static_cast<unsigned char>(c));
    });
}

// [-+]? (digits [. digits?] | . digits) ([eE] [-+]? digits)?, with a dot or an exponent.
std::optional<double> parse_float(std::string_view text) {
    std::string_view rest = text;
    std::string clean;
    if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
        if (rest[0] == '-') clean += '-';
        rest.remove_prefix(1);
    }
    const std::string special = lower(rest);
    if (special == ".inf") {
        return clean.empty() ? std::numeric_limits<double>::infinity()
                             : -std::numeric_limits<double>::infinity();
    }
    if (special == ".nan" && rest.size() == text.size()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const std::size_t exponent_at = rest.find_first_of("eE");
    std::string_view mantissa = rest.substr(0, exponent_at);
    std::string_view exponent =
        exponent_at == std::string_view::npos ? std::string_view() : rest.substr(exponent_at + 1);
    const std::size_t dot = mantissa.find('.');
    if (dot == std::string_view::npos && exponent_at == std::string_view::npos) return std::nullopt;
    std::string_view whole = mantissa.substr(0, dot);
    std::string_view fraction =
        dot == std::string_view::npos ? std::string_view() : mantissa.substr(dot + 1);
    if (whole.empty() && fraction.empty()) return std::nullopt;
    if (!is_decimal_digits(whole, true) || !is_decimal_digits(fraction, true)) return std::nullopt;
    if (!whole.empty() && whole.find_first_not_of('_') == std::string_view::npos) {
        return std::nullopt;
    }
    if (exponent_at != std::string_view::npos) {
        if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) {
            exponent.remove_prefix(1);
        }
        if (exponent.empty() || !is_decimal_digits(exponent, false) ||
            exponent.find('_') != std::string_view::npos) {
            return std::nullopt;
        }
    }
    for (char c : rest) {
        if (c != '_') clean += c;
    }
    double value = 0;
    const char* begin = clean.data();
    const auto [end, error] = std::from_chars(begin, clean.data() + clean.size(), value);
    if (end != clean.data() + clean.size()) return std::nullopt;
    if (error == std::errc::result_out_of_range) {
        return std::nullopt;
    }
    if (error != std::errc()) return std::nullopt;
    return value;
}

}  // namespace

Node resolve_plain_scalar(std::string_view text, Position pos) {
    const std::string folded = lower(text);
    if (text.empty() || folded == "~" || folded == "null") {
        Node node = Node::null_at(std::move(pos));
        node.text = std::string(text);
        return node;
    }
    if (folded == "true" || folded == "yes" || folded == "on") {
        Node node = Node::boolean_at(true, std::move(pos));
        node.text = std::string(text);
        return node;
    }
    if (folded == "false" || folded == "no" || folded == "off") {
        Node node = Node::boolean_at(false, std::move(pos));
        node.text = std::string(text);
        return node;
    }
    bool looks_integer = false;
    if (const auto integer = parse_integer(text, looks_integer)) {
        Node node = Node::integer_at(*integer, std::move(pos));
        node.text = std::string(text);
        return node;
    }
    if (!looks_integer) {
        if (const auto floating = parse_float(text)) {
            Node node;
            node.kind = Kind::floating;
            node.floating = *floating;
            node.text = std::string(text);
            node.pos = std::move(pos);
            return node;
        }
    }
    return Node::string_at(std::string(text), std::move(pos));
}

}  // namespace xiaozhi::config::detail
