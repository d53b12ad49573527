// tls.file-unreadable, tls.not-pem, tls.key-mismatch, tls.chain-broken, tls.expired,
// tls.not-yet-valid, tls.expiring: the certificate files serve would load.
#include <string>

#include "analysis/rule_families.hpp"
#include "analysis/tls_view.hpp"
#include "analysis/wording.hpp"
#include "tls/certificate_checks.hpp"
#include "tls/utc_time.hpp"

namespace xiaozhi::analysis {

namespace {

using tls::PairProblem;

std::string place(const std::string& key, const config::Origin& origin, const std::string& path) {
    return key + " " + quote_text(path) + " (" + origin.to_string() + ")";
}

std::string cert_place(const deploy::TlsCertificate& certificate) {
    return place(certificate.cert_key, certificate.cert_origin, certificate.cert_path);
}

std::string key_place(const deploy::TlsCertificate& certificate) {
    return place(certificate.key_key, certificate.key_origin, certificate.key_path);
}

Finding about_cert(std::string rule, std::string message, const deploy::TlsCertificate& c,
                   std::string suggestion) {
    return make_finding(std::move(rule), Severity::error, std::move(message), c.cert_key,
                        c.cert_origin, std::move(suggestion));
}

Finding about_key(std::string rule, std::string message, const deploy::TlsCertificate& c,
                  std::string suggestion) {
    Finding finding = make_finding(std::move(rule), Severity::error, std::move(message), c.key_key,
                                   c.key_origin, std::move(suggestion));
    finding.related.push_back(c.cert_origin);
    return finding;
}

const char* readable_fix =
    "check the path (a relative one is taken from the configuration's folder) and that the "
    "user serve runs as may read the file";

void check_problem(const deploy::TlsCertificate& c, const tls::CertificatePair& pair,
                   Findings& out) {
    switch (pair.problem) {
        case PairProblem::none:
            return;
        case PairProblem::cert_unreadable:
            out.push_back(about_cert("tls.file-unreadable", cert_place(c) + ": " + pair.detail, c,
                                     readable_fix));
            return;
        case PairProblem::key_unreadable:
            out.push_back(about_key("tls.file-unreadable", key_place(c) + ": " + pair.detail, c,
                                    readable_fix));
            return;
        case PairProblem::cert_not_pem:
            out.push_back(about_cert(
                "tls.not-pem", cert_place(c) + ": " + pair.detail, c,
                "give the PEM form (-----BEGIN CERTIFICATE-----); a DER file converts with "
                "openssl x509 -inform der -in " +
                    c.cert_path + " -out cert.pem"));
            return;
        case PairProblem::key_not_pem:
            out.push_back(about_key("tls.not-pem", key_place(c) + ": " + pair.detail, c,
                                    "give the key in PEM without a pass phrase (openssl pkey -in " +
                                        c.key_path + " -out key.pem)"));
            return;
        case PairProblem::key_mismatch:
            out.push_back(about_key("tls.key-mismatch",
                                    key_place(c) + " does not belong to the certificate of " +
                                        cert_place(c) + ": the TLS handshake cannot be signed",
                                    c, "use the private key the certificate was issued for"));
            return;
        case PairProblem::chain_broken:
            out.push_back(about_cert("tls.chain-broken",
                                     "the chain in " + cert_place(c) + " is broken: " + pair.detail,
                                     c,
                                     "put the server's certificate first, then each intermediate "
                                     "in order, every one issued by the next (the CA's fullchain "
                                     "file)"));
            return;
    }
}

std::string which(const deploy::TlsCertificate& c, const tls::CertificatePair& pair,
                  std::size_t index) {
    const tls::CertificateFacts& facts = pair.chain[index];
    std::string subject = facts.subject.empty() ? "" : " (" + facts.subject + ")";
    if (index == 0) return "the certificate" + subject + " of " + cert_place(c);
    return "certificate " + std::to_string(index + 1) + subject + " of the chain in " +
           cert_place(c);
}

long whole_days(std::chrono::system_clock::duration span) {
    return static_cast<long>(std::chrono::floor<std::chrono::days>(span).count());
}

std::string days_text(long days) {
    return std::to_string(days) + (days == 1 ? " day" : " days");
}

void check_validity(const Inputs& inputs, const deploy::TlsCertificate& c,
                    const tls::CertificatePair& pair, Findings& out) {
    for (std::size_t i = 0; i < pair.chain.size(); ++i) {
        const tls::CertificateFacts& facts = pair.chain[i];
        const std::string label = which(c, pair, i);
        switch (tls::validity_at(facts, inputs.now)) {
            case tls::Validity::valid:
                break;
            case tls::Validity::expired:
                out.push_back(
                    about_cert("tls.expired",
                               label + " expired on " + tls::utc_time_text(facts.not_after) + " (" +
                                   days_text(whole_days(inputs.now - facts.not_after)) +
                                   " ago): devices refuse the TLS handshake",
                               c, "renew the certificate and put the new files in place"));
                break;
            case tls::Validity::not_yet_valid:
                out.push_back(about_cert(
                    "tls.not-yet-valid",
                    label + " is not valid before " + tls::utc_time_text(facts.not_before) +
                        ": devices refuse the TLS handshake until then",
                    c, "check this machine's clock, or wait for the certificate's start time"));
                break;
            case tls::Validity::expiring: {
                Finding finding =
                    about_cert("tls.expiring",
                               label + " expires on " + tls::utc_date_text(facts.not_after) +
                                   ", in " + days_text(whole_days(facts.not_after - inputs.now)),
                               c,
                               "renew it before then; serve picks up the new files on its own "
                               "(server.tls.watch_interval)");
                finding.severity = Severity::warning;
                out.push_back(std::move(finding));
                break;
            }
        }
    }
}

}  // namespace

void check_tls_files(const Inputs& inputs, Findings& out) {
    for (const deploy::TlsCertificate& certificate : inputs.model.certificates) {
        const tls::CertificatePair* pair = tls_file_of(inputs, certificate);
        if (!pair) continue;
        check_problem(certificate, *pair, out);
        check_validity(inputs, certificate, *pair, out);
    }
}

}  // namespace xiaozhi::analysis
