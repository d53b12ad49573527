// Loading serve's certificates into OpenSSL contexts and choosing one by the client's SNI name.
#include "tls_contexts.hpp"

#include <openssl/err.h>

#include <fmt/format.h>

#include "tls/certificate_checks.hpp"
#include "tls/utc_time.hpp"

namespace xiaozhi::server {

namespace {

// Mozilla's "intermediate" configuration (TLS 1.2 ciphers; TLS 1.3 keeps OpenSSL's).
constexpr const char* kCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr const char* kGroups = "X25519:prime256v1:secp384r1";
constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

std::string openssl_reason() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown OpenSSL error";
    const char* reason = ERR_reason_error_string(code);
    return reason != nullptr ? reason : fmt::format("OpenSSL error {:x}", code);
}

std::string pair_problem_text(tls::PairProblem problem) {
    switch (problem) {
        case tls::PairProblem::none:
            return "";
        case tls::PairProblem::cert_unreadable:
            return "the certificate file cannot be read";
        case tls::PairProblem::cert_not_pem:
            return "the certificate file holds no PEM certificate";
        case tls::PairProblem::key_unreadable:
            return "the key file cannot be read";
        case tls::PairProblem::key_not_pem:
            return "the key file holds no PEM private key";
        case tls::PairProblem::key_mismatch:
            return "the key does not match the certificate";
        case tls::PairProblem::chain_broken:
            return "the certificate chain is broken";
    }
    return "";
}

int select_http11(SSL*, const unsigned char** out, unsigned char* out_size,
                  const unsigned char* offered, unsigned int offered_size, void*) {
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, out_size, kHttp11, sizeof kHttp11, offered, offered_size) !=
        OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

SSL_CTX* new_context(const TlsCertificateFiles& files) {
    SSL_CTX* context = SSL_CTX_new(TLS_server_method());
    if (context == nullptr) throw TlsLoadError("cannot create a TLS context: " + openssl_reason());
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_options(context, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                     SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_TICKET);
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                                  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // No resumption: a device connects once and stays, and a session cache or ticket keys
    // would cost every handshake for a reconnect that seldom comes.
    SSL_CTX_set_num_tickets(context, 0);
    // A record's header and body in one read(2), and what else has arrived with it.
    SSL_CTX_set_read_ahead(context, 1);
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_alpn_select_cb(context, select_http11, nullptr);
    if (SSL_CTX_set_cipher_list(context, kCiphers) != 1 ||
        SSL_CTX_set1_groups_list(context, kGroups) != 1 ||
        SSL_CTX_use_certificate_chain_file(context, files.cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(context, files.key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(context) != 1) {
        const std::string reason = openssl_reason();
        SSL_CTX_free(context);
        throw TlsLoadError(files.key_name + ": " + files.cert + ": " + reason);
    }
    return context;
}

// Reads and checks one certificate; throws TlsLoadError.
TlsContexts::Identity checked_identity(const TlsCertificateFiles& files,
                                       std::chrono::system_clock::time_point now,
                                       std::vector<std::string>& warnings) {
    const tls::CertificatePair pair = tls::read_certificate_pair(files.cert, files.key);
    if (pair.problem != tls::PairProblem::none || pair.chain.empty()) {
        const bool key_side = pair.problem == tls::PairProblem::key_unreadable ||
                              pair.problem == tls::PairProblem::key_not_pem;
        throw TlsLoadError(files.key_name +
                           (key_side ? ".key: " + files.key : ".cert: " + files.cert) + ": " +
                           pair_problem_text(pair.problem) +
                           (pair.detail.empty() ? "" : " (" + pair.detail + ")"));
    }
    const tls::CertificateFacts& leaf = pair.chain.front();
    switch (tls::validity_at(leaf, now)) {
        case tls::Validity::expired:
            throw TlsLoadError(files.key_name + ".cert: " + files.cert +
                               ": the certificate expired on " +
                               tls::utc_time_text(leaf.not_after));
        case tls::Validity::not_yet_valid:
            throw TlsLoadError(files.key_name + ".cert: " + files.cert +
                               ": the certificate is not yet valid (valid from " +
                               tls::utc_time_text(leaf.not_before) +
                               "); is this machine's clock right?");
        case tls::Validity::expiring: {
            const auto days =
                std::chrono::duration_cast<std::chrono::hours>(leaf.not_after - now).count() / 24;
            warnings.push_back(files.key_name + ".cert: " + files.cert +
                               ": the certificate expires on " +
                               tls::utc_time_text(leaf.not_after) + ", in " + std::to_string(days) +
                               (days == 1 ? " day" : " days") + "; renew it");
            break;
        }
        case tls::Validity::valid:
            break;
    }
    TlsContexts::Identity identity;
    identity.files = files;
    identity.leaf = leaf;
    identity.names = files.names;
    if (identity.names.empty()) {
        identity.names = leaf.dns_names;
        identity.names.insert(identity.names.end(), leaf.ip_addresses.begin(),
                              leaf.ip_addresses.end());
    }
    identity.context = new_context(files);
    return identity;
}

// Whether `identity` is the one for the SNI name `host`.
bool chosen_for(const TlsContexts::Identity& identity, std::string_view host) {
    if (identity.files.names.empty()) return tls::covers_host(identity.leaf, host);
    tls::CertificateFacts named;
    named.has_subject_alt_name = true;
    named.dns_names = identity.files.names;
    return tls::covers_host(named, host);
}

}  // namespace

std::shared_ptr<const TlsContexts> TlsContexts::load(const TlsSettings& settings,
                                                     std::chrono::system_clock::time_point now) {
    std::shared_ptr<TlsContexts> contexts(new TlsContexts());
    contexts->identities_.push_back(checked_identity(settings.main, now, contexts->warnings_));
    for (const TlsCertificateFiles& files : settings.sni) {
        contexts->identities_.push_back(checked_identity(files, now, contexts->warnings_));
    }
    for (const Identity& identity : contexts->identities_) {
        SSL_CTX_set_tlsext_servername_callback(identity.context, &TlsContexts::choose_by_name);
        SSL_CTX_set_tlsext_servername_arg(identity.context, contexts.get());
    }
    return contexts;
}

TlsContexts::~TlsContexts() {
    for (const Identity& identity : identities_) SSL_CTX_free(identity.context);
}

SSL* TlsContexts::new_session() const {
    SSL* ssl = SSL_new(identities_.front().context);
    if (ssl == nullptr)
        throw std::runtime_error("cannot create a TLS session: " + openssl_reason());
    return ssl;
}

bool TlsContexts::covers(std::string_view host) const {
    for (const Identity& identity : identities_) {
        if (tls::covers_host(identity.leaf, host)) return true;
    }
    return false;
}

int TlsContexts::choose_by_name(SSL* ssl, int*, void* self) {
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (name == nullptr) return SSL_TLSEXT_ERR_OK;
    const auto& identities = static_cast<const TlsContexts*>(self)->identities_;
    for (const Identity& identity : identities) {
        if (!chosen_for(identity, name)) continue;
        if (SSL_get_SSL_CTX(ssl) != identity.context) SSL_set_SSL_CTX(ssl, identity.context);
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_OK;
}

}  // namespace xiaozhi::server
