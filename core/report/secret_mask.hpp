// Internal to report: configuration values as shown, with secrets masked as "***".
#pragma once

#include <string>
#include <string_view>

#include <vector>

#include "analysis/finding.hpp"
#include "config/effective.hpp"
#include "config/node.hpp"
#include "report/config_report.hpp"
#include "report/json_values.hpp"

namespace xiaozhi::report {

inline constexpr std::string_view secret_mask = "***";

// Whether the value of `key` itself is hidden.
bool is_masked(std::string_view key, const MaskOptions& mask);

// The value of `key` with every secret in it (the value itself, or secret keys of a map
// inside it) replaced by the string "***"; unchanged with show_secrets.
config::Node masked_value(std::string_view key, const config::Node& value, const MaskOptions& mask);

// As text: "***" for a hidden value, else Node::render() of the masked value.
std::string shown_text(std::string_view key, const config::Node& value, const MaskOptions& mask);

// As JSON: the string "***" for a hidden value, else the masked value as its JSON type.
Json shown_json(std::string_view key, const config::Node& value, const MaskOptions& mask);

// The origin as shown: a "--set key=value" origin of a secret key names the key, not the
// value ("--set manager-api.secret=***"); unchanged with show_secrets.
config::Origin masked_origin(const config::Origin& origin, const MaskOptions& mask);

// Findings with their origins masked: finding outputs never show secret values.
std::vector<analysis::Finding> with_masked_origins(std::vector<analysis::Finding> findings);

}  // namespace xiaozhi::report
