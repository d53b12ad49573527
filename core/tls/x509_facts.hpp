// CertificateFacts from an OpenSSL X509 (internal to core/tls).
#pragma once

#include <openssl/x509.h>

#include <string>

#include "tls/certificate_facts.hpp"

namespace xiaozhi::tls {

// "C=CN, O=Example, CN=device.example.com": forward order, UTF-8.
std::string name_line(const X509_NAME* name);

CertificateFacts facts_of(X509* cert);

}  // namespace xiaozhi::tls
