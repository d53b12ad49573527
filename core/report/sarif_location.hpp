// Internal to report: a place in a file as a SARIF 2.1.0 physicalLocation.
#pragma once

#include "config/node.hpp"
#include "report/json_values.hpp"

namespace xiaozhi::report {

// {"artifactLocation":{"uri"}, "region":{"startLine","startColumn"}}: the uri is the path
// as given (forward slashes, percent-encoded where a URI needs it); the region is left out
// without a line, and its column counts UTF-16 code units, SARIF's default columnKind.
Json physical_location(const config::Position& pos);

// {"$schema", "version": "2.1.0", "runs": [run]}: a SARIF log of one run.
Json sarif_log(Json run);

}  // namespace xiaozhi::report
