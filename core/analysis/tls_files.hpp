// The certificate files a deployment names, read once at the top of the pipeline or replayed.
#pragma once

#include <chrono>
#include <vector>

#include "config/load.hpp"
#include "deploy/model.hpp"
#include "host/snapshot.hpp"
#include "tls/certificate_file.hpp"

namespace xiaozhi::analysis {

// The pairs of model.certificates: as `host` recorded them (a replayed snapshot) when it
// has the same cert and key paths, else read from the files now.
std::vector<tls::CertificatePair> read_tls_files(const deploy::Model& model,
                                                 const host::Snapshot& host);

// The time certificates are judged at: the snapshot's time, else the clock's.
std::chrono::system_clock::time_point judgement_time(const host::Snapshot& host);

// Fills `host` with what analyze_deployments reads for `loaded` (for --dump-host): the
// certificate files of every deployment not recorded yet and, when there are any, the time
// if it has none. A deployment without certificates leaves `host` unchanged.
void record_tls_files(const config::Loaded& loaded, deploy::Runtime runtime, host::Snapshot& host);

}  // namespace xiaozhi::analysis
