// Parsing and numeric ordering of dotted versions.
#include "protocol/version_number.hpp"

#include <algorithm>

namespace xiaozhi::protocol {

namespace {

constexpr std::size_t kMaxParts = 8;
constexpr std::size_t kMaxDigits = 9;

}  // namespace

std::optional<VersionNumber> parse_version(std::string_view text) {
    VersionNumber parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = std::min(text.find('.', start), text.size());
        const std::string_view part = text.substr(start, dot - start);
        if (part.empty() || part.size() > kMaxDigits || parts.size() == kMaxParts) {
            return std::nullopt;
        }
        std::uint32_t value = 0;
        for (char c : part) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + static_cast<std::uint32_t>(c - '0');
        }
        parts.push_back(value);
        if (dot == text.size()) return parts;
        start = dot + 1;
    }
}

bool is_dotted_version(std::string_view text) {
    return parse_version(text).has_value();
}

int compare_versions(const VersionNumber& a, const VersionNumber& b) {
    const std::size_t length = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < length; ++i) {
        const std::uint32_t left = i < a.size() ? a[i] : 0;
        const std::uint32_t right = i < b.size() ? b[i] : 0;
        if (left != right) return left < right ? -1 : 1;
    }
    return 0;
}

}  // namespace xiaozhi::protocol
