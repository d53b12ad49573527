// What a certificate says, as plain data: names, validity window, fingerprint.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace xiaozhi::tls {

struct CertificateFacts {
    std::string subject;                    // one line, e.g. "CN=device.example.com"
    std::string issuer;                     // the same form
    std::string common_name;                // the subject's (last) CN; empty when it has none
    bool has_subject_alt_name = false;      // the certificate has a subjectAltName extension
    std::vector<std::string> dns_names;     // subjectAltName DNS entries, lower case, as written
    std::vector<std::string> ip_addresses;  // subjectAltName IP entries as text ("::1")
    std::chrono::system_clock::time_point not_before, not_after;
    std::string sha256_fingerprint;  // hex, upper case, colon separated like openssl's
};

}  // namespace xiaozhi::tls
