// Names of the output formats, as the --format option spells them.
#include "report/format.hpp"

#include <array>
#include <utility>

namespace xiaozhi::report {

namespace {

constexpr std::array<std::pair<Format, std::string_view>, 5> format_names{{
    {Format::text, "text"},
    {Format::json, "json"},
    {Format::sarif, "sarif"},
    {Format::junit, "junit"},
    {Format::github, "github"},
}};

}  // namespace

std::string_view format_name(Format format) {
    for (const auto& [candidate, name] : format_names) {
        if (candidate == format) return name;
    }
    return "text";
}

std::optional<Format> parse_format(std::string_view name) {
    for (const auto& [format, candidate] : format_names) {
        if (candidate == name) return format;
    }
    return std::nullopt;
}

}  // namespace xiaozhi::report
