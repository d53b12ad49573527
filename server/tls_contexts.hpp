// TlsContexts: serve's certificates as OpenSSL contexts (Mozilla intermediate), chosen by SNI.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "settings.hpp"
#include "tls/certificate_file.hpp"

namespace xiaozhi::server {

// A certificate that cannot be served; the message names the key and the file.
class TlsLoadError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Immutable once loaded; each connection holds the one it started with, so a renewal never
// changes a handshake under way.
class TlsContexts {
  public:
    // One certificate and the names it is chosen for.
    struct Identity {
        TlsCertificateFiles files;
        tls::CertificateFacts leaf;
        std::vector<std::string> names;  // configured, else the certificate's own
        SSL_CTX* context = nullptr;
    };

    // Reads and checks every certificate of `settings` (readable PEM, the key matching,
    // the chain whole, valid at `now`) and builds its context; throws TlsLoadError.
    static std::shared_ptr<const TlsContexts> load(const TlsSettings& settings,
                                                   std::chrono::system_clock::time_point now);
    ~TlsContexts();
    TlsContexts(const TlsContexts&) = delete;
    TlsContexts& operator=(const TlsContexts&) = delete;

    // A new server-side SSL object on the main certificate; SNI may switch it.
    SSL* new_session() const;
    // The main certificate first, then server.tls.certificates.
    const std::vector<Identity>& identities() const { return identities_; }
    // Some certificate covers `host` (a name or an IP, brackets allowed).
    bool covers(std::string_view host) const;
    // Lines about certificates that expire within 30 days.
    const std::vector<std::string>& expiry_warnings() const { return warnings_; }

  private:
    TlsContexts() = default;
    static int choose_by_name(SSL* ssl, int* alert, void* self);

    std::vector<Identity> identities_;
    std::vector<std::string> warnings_;
};

}  // namespace xiaozhi::server
