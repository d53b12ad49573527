// Certificate files of a deployment: the snapshot's record of them, else the files themselves.
#include "analysis/tls_files.hpp"

#include <algorithm>

namespace xiaozhi::analysis {

namespace {

const tls::CertificatePair* recorded(const host::Snapshot& host,
                                     const deploy::TlsCertificate& certificate) {
    auto found = std::find_if(host.certificates.begin(), host.certificates.end(),
                              [&certificate](const tls::CertificatePair& pair) {
                                  return pair.cert_path == certificate.cert_path &&
                                         pair.key_path == certificate.key_path;
                              });
    return found == host.certificates.end() ? nullptr : &*found;
}

}  // namespace

std::vector<tls::CertificatePair> read_tls_files(const deploy::Model& model,
                                                 const host::Snapshot& host) {
    std::vector<tls::CertificatePair> pairs;
    for (const deploy::TlsCertificate& certificate : model.certificates) {
        const tls::CertificatePair* known = recorded(host, certificate);
        pairs.push_back(
            known ? *known
                  : tls::read_certificate_pair(certificate.cert_path, certificate.key_path));
    }
    return pairs;
}

std::chrono::system_clock::time_point judgement_time(const host::Snapshot& host) {
    return host.time.value_or(std::chrono::system_clock::now());
}

void record_tls_files(const config::Loaded& loaded, deploy::Runtime runtime, host::Snapshot& host) {
    for (const deploy::Model& model : deploy::build_models(loaded, runtime)) {
        for (const deploy::TlsCertificate& certificate : model.certificates) {
            // To the second, as the snapshot file keeps it: a replay judges at the same time.
            if (!host.time) {
                host.time =
                    std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            }
            if (recorded(host, certificate)) continue;
            host.certificates.push_back(
                tls::read_certificate_pair(certificate.cert_path, certificate.key_path));
        }
    }
}

}  // namespace xiaozhi::analysis
