// Run every rule over a configuration, its deployment model and a host snapshot.
#pragma once

#include <chrono>
#include <vector>

#include "analysis/finding.hpp"
#include "analysis/fleet_view.hpp"
#include "config/effective.hpp"
#include "deploy/model.hpp"
#include "host/snapshot.hpp"
#include "tls/certificate_file.hpp"

namespace xiaozhi::analysis {

struct Inputs {
    const config::Effective& effective;
    const deploy::Model& model;
    const host::Snapshot& host;  // probed == false: rules needing the host stay quiet
    // The files of model.certificates as read (read_tls_files); the rules about a
    // certificate's files stay quiet for one that is not here.
    std::vector<tls::CertificatePair> tls_files = {};
    // The time certificates are judged at (tls.expired, tls.expiring, tls.not-yet-valid).
    std::chrono::system_clock::time_point now = {};
    // The fleet's registry (check-ports --fleet, serve's start in a fleet); null: the
    // fleet rules stay quiet.
    const FleetView* fleet = nullptr;
};

// All findings, sorted with sort_findings. Never reads the machine itself.
std::vector<Finding> analyze(const Inputs& inputs);

}  // namespace xiaozhi::analysis
