// serve's server.port_fallback as the analysis sees it: a taken listen port it will not refuse.
#pragma once

#include <vector>

#include "analysis/finding.hpp"
#include "config/effective.hpp"

namespace xiaozhi::analysis {

// Whether server.port_fallback is next or any: serve then binds another port when its
// configured one is taken, instead of refusing to start.
bool port_fallback_allowed(const config::Effective& effective);

// Under such a policy port.in-use on server.port or server.http_port is lowered to a
// warning that says so, and the findings are sorted again; nothing changes otherwise.
void soften_for_port_fallback(std::vector<Finding>& findings, const config::Effective& effective);

}  // namespace xiaozhi::analysis
