// read_certificate_pair: the PEM chain and key through OpenSSL, checked in a fixed order.
#include "tls/certificate_file.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

#include "tls/openssl_handles.hpp"
#include "tls/x509_facts.hpp"

namespace xiaozhi::tls {

namespace {

struct FileText {
    std::optional<std::string> bytes;
    std::string error;  // why it could not be read
};

FileText read_file(const std::string& path) {
    std::error_code status;
    if (std::filesystem::is_directory(path, status)) return {std::nullopt, "it is a directory"};
    std::ifstream in(path, std::ios::binary);
    if (!in) return {std::nullopt, std::strerror(errno)};
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return {std::nullopt, std::strerror(errno)};
    return {std::move(bytes), {}};
}

// OpenSSL's reason for the last failure, and the error queue emptied.
std::string openssl_reason(const char* fallback) {
    unsigned long code = 0;
    unsigned long last = 0;
    while ((code = ERR_get_error()) != 0) last = code;
    if (last == 0) return fallback;
    const char* reason = ERR_reason_error_string(last);
    return reason ? reason : fallback;
}

BioPtr memory_bio(const std::string& bytes) {
    return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// Every certificate of a PEM file, in order; stops at the first block that is not one.
std::vector<CertPtr> read_pem_certificates(const std::string& bytes) {
    std::vector<CertPtr> certificates;
    BioPtr bio = memory_bio(bytes);
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
        certificates.emplace_back(cert);
    return certificates;
}

// Never prompts on a terminal for an encrypted key: a key that needs a pass phrase is unusable.
int refuse_pass_phrase(char*, int, int, void*) {
    return -1;
}

std::string ordinal(std::size_t index) {
    return "certificate " + std::to_string(index + 1);
}

// Why cert `index` is not issued by cert `index + 1`, or empty when it is.
std::string chain_link_problem(X509* cert, X509* issuer, std::size_t index) {
    if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(issuer)) != 0) {
        return ordinal(index) + " of the file is issued by \"" +
               name_line(X509_get_issuer_name(cert)) + "\" but " + ordinal(index + 1) + " is \"" +
               name_line(X509_get_subject_name(issuer)) + "\"";
    }
    EVP_PKEY* issuer_key = X509_get0_pubkey(issuer);
    if (!issuer_key || X509_verify(cert, issuer_key) != 1) {
        ERR_clear_error();
        return "the signature of " + ordinal(index) +
               " of the file does not verify with the key of " + ordinal(index + 1);
    }
    return {};
}

}  // namespace

CertificatePair read_certificate_pair(const std::string& cert_path, const std::string& key_path) {
    CertificatePair pair;
    pair.cert_path = cert_path;
    pair.key_path = key_path;
    ERR_clear_error();

    FileText cert_text = read_file(cert_path);
    if (!cert_text.bytes) {
        pair.problem = PairProblem::cert_unreadable;
        pair.detail = "cannot read " + cert_path + ": " + cert_text.error;
        return pair;
    }
    std::vector<CertPtr> certificates = read_pem_certificates(*cert_text.bytes);
    if (certificates.empty()) {
        pair.problem = PairProblem::cert_not_pem;
        pair.detail = cert_path + " holds no PEM certificate (" +
                      openssl_reason("no BEGIN CERTIFICATE block") + ")";
        return pair;
    }
    ERR_clear_error();
    for (const CertPtr& cert : certificates) pair.chain.push_back(facts_of(cert.get()));

    FileText key_text = read_file(key_path);
    if (!key_text.bytes) {
        pair.problem = PairProblem::key_unreadable;
        pair.detail = "cannot read " + key_path + ": " + key_text.error;
        return pair;
    }
    BioPtr key_bio = memory_bio(*key_text.bytes);
    KeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, &refuse_pass_phrase, nullptr));
    if (!key) {
        pair.problem = PairProblem::key_not_pem;
        pair.detail = key_path + " holds no usable PEM private key (" +
                      openssl_reason("no BEGIN PRIVATE KEY block") + ")";
        return pair;
    }
    EVP_PKEY* leaf_key = X509_get0_pubkey(certificates.front().get());
    if (!leaf_key || EVP_PKEY_eq(leaf_key, key.get()) != 1) {
        ERR_clear_error();
        pair.problem = PairProblem::key_mismatch;
        pair.detail = "the private key in " + key_path +
                      " is not the key of the first certificate in " + cert_path;
        return pair;
    }
    for (std::size_t i = 0; i + 1 < certificates.size(); ++i) {
        std::string problem =
            chain_link_problem(certificates[i].get(), certificates[i + 1].get(), i);
        if (!problem.empty()) {
            pair.problem = PairProblem::chain_broken;
            pair.detail = std::move(problem);
            return pair;
        }
    }
    return pair;
}

std::string_view pair_problem_name(PairProblem problem) {
    switch (problem) {
        case PairProblem::none:
            return "none";
        case PairProblem::cert_unreadable:
            return "cert_unreadable";
        case PairProblem::cert_not_pem:
            return "cert_not_pem";
        case PairProblem::key_unreadable:
            return "key_unreadable";
        case PairProblem::key_not_pem:
            return "key_not_pem";
        case PairProblem::key_mismatch:
            return "key_mismatch";
        case PairProblem::chain_broken:
            return "chain_broken";
    }
    return "none";
}

std::optional<PairProblem> parse_pair_problem(std::string_view name) {
    for (PairProblem problem :
         {PairProblem::none, PairProblem::cert_unreadable, PairProblem::cert_not_pem,
          PairProblem::key_unreadable, PairProblem::key_not_pem, PairProblem::key_mismatch,
          PairProblem::chain_broken}) {
        if (pair_problem_name(problem) == name) return problem;
    }
    return std::nullopt;
}

}  // namespace xiaozhi::tls
