// Reads a PEM certificate chain and its private key with OpenSSL into plain data and a verdict.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tls/certificate_facts.hpp"

namespace xiaozhi::tls {

enum class PairProblem {
    none,
    cert_unreadable,
    cert_not_pem,
    key_unreadable,
    key_not_pem,
    key_mismatch,
    chain_broken
};

struct CertificatePair {
    std::string cert_path, key_path;
    std::vector<CertificateFacts> chain;      // leaf first; empty when unreadable / not PEM
    PairProblem problem = PairProblem::none;  // the first blocking problem
    std::string
        detail;  // one line for the problem (OpenSSL's reason, which cert of the chain, ...)
};

// Never throws for bad files: a problem is reported in the result. Checked in this order:
// the certificate file (readable, at least one PEM certificate), the key file (readable, a PEM
// private key; an encrypted key is not PEM we can use), the key against the leaf, then the chain
// (chain_broken: cert i's issuer is not cert i+1's subject, or i+1's key does not verify i's
// signature). A file holding the leaf alone is a chain of one: whether its issuer is trusted is
// for the client to say, not for the file.
CertificatePair read_certificate_pair(const std::string& cert_path, const std::string& key_path);

// "none", "cert_unreadable", "cert_not_pem", "key_unreadable", "key_not_pem", "key_mismatch",
// "chain_broken".
std::string_view pair_problem_name(PairProblem problem);

// The inverse of pair_problem_name (for a recorded host snapshot); nullopt for an unknown name.
std::optional<PairProblem> parse_pair_problem(std::string_view name);

}  // namespace xiaozhi::tls
