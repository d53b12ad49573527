// Internal to report: origins, findings and configuration values as JSON, and how JSON is written.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "analysis/finding.hpp"
#include "config/effective.hpp"
#include "config/node.hpp"

namespace xiaozhi::report {

// Objects keep their keys in insertion order so every output reads in the documented order.
using Json = nlohmann::ordered_json;

// {"file", "line", "column", "layer"}.
Json origin_json(const config::Origin& origin);

// {"rule", "severity", "message", "key", "origin", "related", "suggestion"}: the one
// finding object of every JSON output.
Json finding_json(const analysis::Finding& finding);

// The value as its JSON type: maps as objects (in source order), lists as arrays.
Json node_json(const config::Node& node);

// Pretty-printed with 2 spaces and a final newline; invalid UTF-8 becomes U+FFFD.
void write_json(std::ostream& out, const Json& value);

}  // namespace xiaozhi::report
