// CertificateFacts from an OpenSSL X509: names, subjectAltName, validity, SHA-256 fingerprint.
#include "tls/x509_facts.hpp"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <ctime>
#include <memory>

namespace xiaozhi::tls {

namespace {

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string string_of(const ASN1_STRING* text) {
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                       static_cast<std::size_t>(ASN1_STRING_length(text)));
}

std::string ip_text(const ASN1_OCTET_STRING* bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    const unsigned char* data = ASN1_STRING_get0_data(bytes);
    int length = ASN1_STRING_length(bytes);
    if (length == 4 && inet_ntop(AF_INET, data, text, sizeof text)) return text;
    if (length == 16 && inet_ntop(AF_INET6, data, text, sizeof text)) return text;
    return {};
}

std::chrono::system_clock::time_point time_of(const ASN1_TIME* time) {
    std::tm parts{};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1) return {};
    return std::chrono::system_clock::from_time_t(timegm(&parts));
}

std::string common_name_of(const X509_NAME* name) {
    int index = -1;
    std::string common_name;
    while ((index = X509_NAME_get_index_by_NID(name, NID_commonName, index)) >= 0) {
        const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
        unsigned char* utf8 = nullptr;
        int length = ASN1_STRING_to_UTF8(&utf8, data);
        if (length >= 0) common_name.assign(reinterpret_cast<char*>(utf8), length);
        OPENSSL_free(utf8);
    }
    return common_name;
}

void add_subject_alt_names(X509* cert, CertificateFacts& facts) {
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!names) return;
    facts.has_subject_alt_name = true;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type == GEN_DNS) facts.dns_names.push_back(lower(string_of(name->d.dNSName)));
        if (name->type == GEN_IPADD) {
            std::string text = ip_text(name->d.iPAddress);
            if (!text.empty()) facts.ip_addresses.push_back(std::move(text));
        }
    }
    GENERAL_NAMES_free(names);
}

std::string fingerprint_of(X509* cert) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) return {};
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
        if (i > 0) text += ':';
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 0xF];
    }
    return text;
}

}  // namespace

std::string name_line(const X509_NAME* name) {
    std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    const unsigned long flags =
        (XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return {};
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

CertificateFacts facts_of(X509* cert) {
    CertificateFacts facts;
    facts.subject = name_line(X509_get_subject_name(cert));
    facts.issuer = name_line(X509_get_issuer_name(cert));
    facts.common_name = common_name_of(X509_get_subject_name(cert));
    add_subject_alt_names(cert, facts);
    facts.not_before = time_of(X509_get0_notBefore(cert));
    facts.not_after = time_of(X509_get0_notAfter(cert));
    facts.sha256_fingerprint = fingerprint_of(cert);
    return facts;
}

}  // namespace xiaozhi::tls
