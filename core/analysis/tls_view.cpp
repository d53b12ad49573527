// Facts the TLS rules share: which listeners speak TLS, which certificate serves a host.
#include "analysis/tls_view.hpp"

#include <algorithm>

#include "deploy/url.hpp"
#include "tls/certificate_checks.hpp"

namespace xiaozhi::analysis {

namespace {

// Configured SNI names as a leaf with exactly those names, for covers_host's matching.
tls::CertificateFacts named(const std::vector<std::string>& names) {
    tls::CertificateFacts facts;
    facts.has_subject_alt_name = true;
    for (const std::string& name : names) {
        if (deploy::is_ip_literal(name)) {
            facts.ip_addresses.push_back(name);
        } else {
            facts.dns_names.push_back(name);
        }
    }
    return facts;
}

bool selects(const Inputs& inputs, const deploy::TlsCertificate& certificate,
             std::string_view host) {
    if (!certificate.names.empty()) return tls::covers_host(named(certificate.names), host);
    const tls::CertificatePair* pair = tls_file_of(inputs, certificate);
    return pair && !pair->chain.empty() && tls::covers_host(pair->chain.front(), host);
}

}  // namespace

bool is_tls_port_listener(const deploy::Listener& listener) {
    return listener.tls && listener.key == "server.tls.port";
}

bool tls_in_use(const Inputs& inputs) {
    if (inputs.model.runtime != deploy::Runtime::xiaozhi) return false;
    return !inputs.model.certificates.empty() || !tls_listeners(inputs.model).empty();
}

std::vector<const deploy::Listener*> tls_listeners(const deploy::Model& model) {
    std::vector<const deploy::Listener*> found;
    for (const deploy::Listener& listener : model.listeners)
        if (listener.tls) found.push_back(&listener);
    return found;
}

const tls::CertificatePair* tls_file_of(const Inputs& inputs,
                                        const deploy::TlsCertificate& certificate) {
    auto found = std::find_if(inputs.tls_files.begin(), inputs.tls_files.end(),
                              [&certificate](const tls::CertificatePair& pair) {
                                  return pair.cert_path == certificate.cert_path &&
                                         pair.key_path == certificate.key_path;
                              });
    return found == inputs.tls_files.end() ? nullptr : &*found;
}

const deploy::TlsCertificate* certificate_for_host(const Inputs& inputs, std::string_view host) {
    const auto& certificates = inputs.model.certificates;
    auto main =
        std::find_if(certificates.begin(), certificates.end(),
                     [](const deploy::TlsCertificate& certificate) { return !certificate.sni; });
    if (main == certificates.end()) return nullptr;
    if (deploy::is_ip_literal(host)) return &*main;
    for (const deploy::TlsCertificate& certificate : certificates) {
        if (certificate.sni && selects(inputs, certificate, host)) return &certificate;
    }
    return &*main;
}

std::string names_text(const tls::CertificateFacts& leaf) {
    std::string text;
    for (const auto* names : {&leaf.dns_names, &leaf.ip_addresses}) {
        for (const std::string& name : *names) text += (text.empty() ? "" : ", ") + name;
    }
    if (text.empty() && !leaf.has_subject_alt_name && !leaf.common_name.empty()) {
        text = leaf.common_name + " (its CN)";
    }
    return text.empty() ? "no host name" : text;
}

}  // namespace xiaozhi::analysis
