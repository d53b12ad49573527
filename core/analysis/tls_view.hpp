// Facts the TLS rules share: which listeners speak TLS, which certificate serves a host.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyze.hpp"
#include "deploy/model.hpp"
#include "tls/certificate_file.hpp"

namespace xiaozhi::analysis {

// The listener of server.tls.port (beside the plain ones, not a service's own listener).
bool is_tls_port_listener(const deploy::Listener& listener);

// Runtime xiaozhi with a TLS listener or a certificate configured: serve is meant to speak
// TLS itself, so wss:// and https:// URLs must reach its TLS listeners.
bool tls_in_use(const Inputs& inputs);

// The listeners that speak TLS.
std::vector<const deploy::Listener*> tls_listeners(const deploy::Model& model);

// The pair read for `certificate` (Inputs::tls_files), null when it was not read.
const tls::CertificatePair* tls_file_of(const Inputs& inputs,
                                        const deploy::TlsCertificate& certificate);

// The certificate serve presents for `host`: for a DNS name the first server.tls.certificates
// entry whose names (configured, else its subject alt names) cover it, else server.tls.cert;
// for an IP address (devices send no SNI for one) always server.tls.cert. Null when there is
// no server.tls.cert.
const deploy::TlsCertificate* certificate_for_host(const Inputs& inputs, std::string_view host);

// "device.example.com, 192.0.2.7": the DNS and IP names of a leaf, or its CN when it has none.
std::string names_text(const tls::CertificateFacts& leaf);

}  // namespace xiaozhi::analysis
