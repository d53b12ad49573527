// The test certificate authority: EC P-256 keys and X.509 certificates built with OpenSSL.
#include "test_ca.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <fstream>
#include <stdexcept>

#include "tls/openssl_handles.hpp"

namespace xiaozhi::testing {

namespace {

using tls::BioPtr;
using tls::CertPtr;
using tls::KeyPtr;

void require(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test CA: ") + what + " failed");
}

KeyPtr new_key() {
    KeyPtr key(EVP_EC_gen("P-256"));
    require(key != nullptr, "EC P-256 key generation");
    return key;
}

long next_serial() {
    static std::atomic<long> serial{1000};
    return ++serial;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    require(extension != nullptr, "certificate extension");
    X509_add_ext(cert, extension, -1);
    X509_EXTENSION_free(extension);
}

// An unsigned certificate for `subject_key` named `common_name`, issued by `issuer` (null =
// self-issued); sign() it once its extensions are added.
CertPtr build_certificate(EVP_PKEY* subject_key, const std::string& common_name, X509* issuer,
                          std::chrono::seconds not_before, std::chrono::seconds not_after) {
    CertPtr cert(X509_new());
    require(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), next_serial());
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(not_before.count()));
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(not_after.count()));
    X509_set_pubkey(cert.get(), subject_key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    add_extension(cert.get(), issuer ? issuer : cert.get(), NID_subject_key_identifier, "hash");
    if (issuer) add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
    return cert;
}

void sign(X509* cert, EVP_PKEY* key) {
    require(X509_sign(cert, key, EVP_sha256()) > 0, "certificate signature");
}

std::string pem_of(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    require(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM certificate");
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string pem_of(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    require(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
            "PEM private key");
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

void write_file(const std::filesystem::path& path, const std::string& content) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    require(static_cast<bool>(out), "writing a file");
}

std::string san_text(const TestCa::Leaf& leaf) {
    std::string text;
    for (const auto& dns : leaf.dns_names) text += (text.empty() ? "DNS:" : ",DNS:") + dns;
    for (const auto& ip : leaf.ip_addresses) text += (text.empty() ? "IP:" : ",IP:") + ip;
    return text;
}

constexpr std::chrono::seconds authority_not_before{-86400L * 365 * 10};
constexpr std::chrono::seconds authority_not_after{86400L * 365 * 20};

}  // namespace

struct TestCa::Authority {
    KeyPtr key;
    CertPtr cert;
};

TestCa::TestCa(const std::filesystem::path& dir) : dir_(dir), root_(std::make_unique<Authority>()) {
    std::filesystem::create_directories(dir_);
    root_->key = new_key();
    root_->cert = build_certificate(root_->key.get(), "xiaozhi test root CA", nullptr,
                                    authority_not_before, authority_not_after);
    add_extension(root_->cert.get(), root_->cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(root_->cert.get(), root_->cert.get(), NID_key_usage,
                  "critical,keyCertSign,cRLSign");
    sign(root_->cert.get(), root_->key.get());
    ca_path_ = (dir_ / "ca.pem").string();
    write_file(ca_path_, pem_of(root_->cert.get()));
    write_file(dir_ / "ca.key", pem_of(root_->key.get()));
}

TestCa::~TestCa() = default;

const std::string& TestCa::ca_path() const {
    return ca_path_;
}

const TestCa::Authority& TestCa::intermediate() {
    if (!intermediate_) {
        auto authority = std::make_unique<Authority>();
        authority->key = new_key();
        authority->cert =
            build_certificate(authority->key.get(), "xiaozhi test intermediate CA",
                              root_->cert.get(), authority_not_before, authority_not_after);
        add_extension(authority->cert.get(), root_->cert.get(), NID_basic_constraints,
                      "critical,CA:TRUE,pathlen:0");
        add_extension(authority->cert.get(), root_->cert.get(), NID_key_usage,
                      "critical,keyCertSign,cRLSign");
        sign(authority->cert.get(), root_->key.get());
        write_file(dir_ / "intermediate.pem", pem_of(authority->cert.get()));
        intermediate_ = std::move(authority);
    }
    return *intermediate_;
}

TestCertificate TestCa::issue(const std::string& name, const Leaf& leaf) {
    const Authority& signer = leaf.include_chain ? intermediate() : *root_;
    KeyPtr key = new_key();
    CertPtr cert = build_certificate(key.get(), leaf.common_name, signer.cert.get(),
                                     leaf.not_before_offset, leaf.not_after_offset);
    add_extension(cert.get(), signer.cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer.cert.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), signer.cert.get(), NID_ext_key_usage, "serverAuth");
    if (std::string san = san_text(leaf); !san.empty())
        add_extension(cert.get(), signer.cert.get(), NID_subject_alt_name, san);
    sign(cert.get(), signer.key.get());

    std::string chain = pem_of(cert.get());
    if (leaf.include_chain && !leaf.omit_intermediate) chain += pem_of(signer.cert.get());
    TestCertificate files{(dir_ / (name + ".pem")).string(), (dir_ / (name + ".key")).string()};
    write_file(files.cert_path, chain);
    write_file(files.key_path, pem_of(key.get()));
    return files;
}

std::string TestCa::write_unrelated_key(const std::filesystem::path& path) {
    KeyPtr key = new_key();
    write_file(path, pem_of(key.get()));
    return path.string();
}

std::string TestCa::write_der_certificate(const std::filesystem::path& path) const {
    unsigned char* der = nullptr;
    int size = i2d_X509(root_->cert.get(), &der);
    require(size > 0, "DER certificate");
    std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
    write_file(path, bytes);
    return path.string();
}

}  // namespace xiaozhi::testing
