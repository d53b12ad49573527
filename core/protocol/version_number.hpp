// Dotted numeric versions ("1.6.2") as firmware files and devices write them: parsing and ordering.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace xiaozhi::protocol {

// The numeric parts of a version, most significant first.
using VersionNumber = std::vector<std::uint32_t>;

// "1.6.2" -> {1, 6, 2}. Accepts one to eight parts of one to nine ASCII digits
// separated by single dots; anything else ("v1.2", "1.2-rc1", "1..2", "") is nullopt.
std::optional<VersionNumber> parse_version(std::string_view text);

// Whether `text` parses as a dotted numeric version.
bool is_dotted_version(std::string_view text);

// Orders versions numerically part by part, a missing part counting as 0:
// "1.10" > "1.9", "1.2" == "1.2.0". Negative, zero or positive like strcmp.
int compare_versions(const VersionNumber& a, const VersionNumber& b);

}  // namespace xiaozhi::protocol
