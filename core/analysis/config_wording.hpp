// Wording shared by the config.* rules: expected types and the config.type finding.
#pragma once

#include <string>
#include <string_view>

#include "analysis/finding.hpp"
#include "config/effective.hpp"
#include "config/schema.hpp"

namespace xiaozhi::analysis {

// "an integer", "a list of strings", ...
std::string expected_phrase(config::ValueType type);

// "server.port: expected an integer, got string "80a" (config.yaml:4:9)".
Finding type_finding(const std::string& key, config::ValueType type, const config::Node& value,
                     const config::Origin& origin);

}  // namespace xiaozhi::analysis
