// The check serve runs before binding and on every change: settings, host probe, analysis.
#pragma once

#include <string>
#include <vector>

#include "analysis/finding.hpp"
#include "analysis/fleet_view.hpp"
#include "config/load.hpp"
#include "host/snapshot.hpp"
#include "settings.hpp"

namespace xiaozhi::server {

// A configuration checked by the analysis, not yet bound.
struct Candidate {
    config::Loaded loaded;
    ServerSettings settings;
    host::Snapshot host;  // empty when not probed
    std::vector<analysis::Finding> findings;
};

// Reads the settings (relative folders against `base_dir`; an empty auth key
// becomes `fallback_auth_key`), probes this host when `probe` (the state folder's
// ports.json included, so serve's own ports are held by itself), and runs the
// analysis for the xiaozhi runtime. With a port fallback policy, port.in-use on a
// listen port is a warning: the bind will pick another port. Throws
// config::InputError for a value of the wrong type. With `fleet` (the registry read at
// the start in a fleet) the fleet rules run too.
Candidate check_config(config::Loaded loaded, const std::string& base_dir, bool probe,
                       const std::string& fallback_auth_key,
                       const analysis::FleetView* fleet = nullptr);

// Throws config::InputError ("the configuration file is empty") at the first file
// layer whose file holds nothing but white space: a file truncated by a failed copy
// must not turn into the built-in defaults (all interfaces, admin API off).
void refuse_empty_files(const config::Loaded& loaded);

// One log line per finding, at the finding's severity.
void log_findings(const std::vector<analysis::Finding>& findings);

// The findings as check-ports prints them in text.
std::string findings_text(const std::vector<analysis::Finding>& findings);

}  // namespace xiaozhi::server
