// TLS for the clients (ota-push, simulate-device, the relay's upstream links): the client context,
// SNI and host name verification, and the words for a failed handshake. Header-only: each Beast
// translation unit that connects out includes it, so all verify peers the same way.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>

#include "tls_trust.hpp"

namespace xiaozhi::client {

// Whether `host` is an IP literal (then the certificate must list it among its IP addresses,
// and no SNI is sent).
inline bool is_ip_host(const std::string& host) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(host, ec);
    return !ec;
}

// A client context: TLS 1.2 or newer, ALPN "http/1.1", peers verified against `trust.ca_file`
// or the system trust store, or not at all when `trust.insecure`. Throws std::runtime_error
// naming the CA file when it cannot be read or holds no certificate.
inline boost::asio::ssl::context make_tls_client_context(const TlsTrust& trust) {
    namespace ssl = boost::asio::ssl;
    ssl::context context(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    static constexpr unsigned char alpn[] = "\x08http/1.1";
    SSL_CTX_set_alpn_protos(context.native_handle(), alpn, sizeof alpn - 1);
    if (trust.insecure) {
        context.set_verify_mode(ssl::verify_none);
        return context;
    }
    context.set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    if (trust.ca_file.empty()) {
        context.set_default_verify_paths(ec);
        if (ec) throw std::runtime_error("cannot use the system trust store: " + ec.message());
        return context;
    }
    std::error_code status_error;
    if (!std::filesystem::is_regular_file(trust.ca_file, status_error)) {
        throw std::runtime_error("cannot use the CA bundle " + trust.ca_file + ": no such file");
    }
    context.load_verify_file(trust.ca_file, ec);
    if (ec) {
        throw std::runtime_error("cannot use the CA bundle " + trust.ca_file + ": " + ec.message() +
                                 " (a PEM file of certificates is expected)");
    }
    return context;
}

// Asio's host name check, which also names a mismatch as OpenSSL does, so that the handshake's
// verify result reads "hostname mismatch" or "IP address mismatch" instead of nothing.
class PeerNameCheck {
  public:
    explicit PeerNameCheck(const std::string& host) : check_(host), ip_(is_ip_host(host)) {}

    bool operator()(bool preverified, boost::asio::ssl::verify_context& context) const {
        if (check_(preverified, context)) return true;
        X509_STORE_CTX* store = context.native_handle();
        if (preverified && X509_STORE_CTX_get_error_depth(store) == 0) {
            X509_STORE_CTX_set_error(
                store, ip_ ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH);
        }
        return false;
    }

  private:
    boost::asio::ssl::host_name_verification check_;
    bool ip_;
};

// Prepares a client TLS stream (beast::ssl_stream or asio::ssl::stream) for `host`: SNI for a
// host name, and, unless insecure, the check that the certificate covers `host`.
template <typename SslStream>
void prepare_tls_stream(SslStream& stream, const std::string& host, const TlsTrust& trust) {
    if (!is_ip_host(host)) SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
    if (!trust.insecure) stream.set_verify_callback(PeerNameCheck(host));
}

struct TlsFailure {
    bool certificate = false;  // the peer's certificate was not accepted
    std::string reason;        // OpenSSL's words: "certificate has expired", "wrong version number"
};

// What a failed client handshake means, from its error and the connection's verify result
// (SSL_get_verify_result).
inline TlsFailure describe_tls_failure(long verify_result, const boost::system::error_code& ec) {
    const bool verify_failed =
        ec.category() == boost::asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
    if (!verify_failed) return {false, ec.message()};
    if (verify_result == X509_V_OK) return {true, ec.message()};
    return {true, X509_verify_cert_error_string(verify_result)};
}

template <typename SslStream>
TlsFailure tls_failure_of(SslStream& stream, const boost::system::error_code& ec) {
    return describe_tls_failure(SSL_get_verify_result(stream.native_handle()), ec);
}

// "the TLS certificate of 10.0.0.2:443 is not accepted: certificate has expired", or
// "the TLS handshake with 10.0.0.2:443 failed: wrong version number".
inline std::string tls_failure_text(const TlsFailure& failure, std::string_view peer) {
    if (failure.certificate) {
        return "the TLS certificate of " + std::string(peer) +
               " is not accepted: " + failure.reason;
    }
    return "the TLS handshake with " + std::string(peer) + " failed: " + failure.reason;
}

}  // namespace xiaozhi::client
