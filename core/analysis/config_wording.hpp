// The config.type finding, shared by the type rule and the key walk (map for a scalar).
#pragma once

#include <string>
#include <string_view>

#include "analysis/finding.hpp"
#include "config/effective.hpp"
#include "config/schema.hpp"

namespace xiaozhi::analysis {

// "server.port: expected an integer, got string "80a" (config.yaml:4:9)".
Finding type_finding(const std::string& key, config::ValueType type, const config::Node& value,
                     const config::Origin& origin);

}  // namespace xiaozhi::analysis
