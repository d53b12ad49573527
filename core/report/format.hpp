// Output formats shared by every subcommand.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::report {

enum class Format { text, json, sarif, junit, github };

std::string_view format_name(Format format);
std::optional<Format> parse_format(std::string_view name);

}  // namespace xiaozhi::report
