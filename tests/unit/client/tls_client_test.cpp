// The clients' TLS pieces: the context a trust choice makes, and the words for a failed handshake.
#include <catch2/catch.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "temp_dir.hpp"
#include "test_ca.hpp"
#include "tls_client.hpp"

using namespace xiaozhi::client;
using Catch::Contains;

namespace {

// The error of a failed handshake as Asio reports it: OpenSSL's packed code for `reason`.
// (A real handshake has loaded OpenSSL's error strings with its context; load them here too.)
boost::system::error_code ssl_error(int reason) {
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, nullptr);
    return {static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)),
            boost::asio::error::get_ssl_category()};
}

}  // namespace

TEST_CASE("a refused certificate is named by OpenSSL's verify result", "[client][tls]") {
    const auto verify_failed = ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED);
    const TlsFailure expired = describe_tls_failure(X509_V_ERR_CERT_HAS_EXPIRED, verify_failed);
    CHECK(expired.certificate);
    CHECK(expired.reason == "certificate has expired");
    CHECK(describe_tls_failure(X509_V_ERR_HOSTNAME_MISMATCH, verify_failed).reason ==
          "hostname mismatch");
    CHECK(describe_tls_failure(X509_V_ERR_IP_ADDRESS_MISMATCH, verify_failed).reason ==
          "IP address mismatch");
    CHECK(
        describe_tls_failure(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, verify_failed).reason ==
        "unable to get local issuer certificate");
    // Refused by a callback that gave no reason: still a certificate problem.
    const TlsFailure unnamed = describe_tls_failure(X509_V_OK, verify_failed);
    CHECK(unnamed.certificate);
    CHECK(unnamed.reason == "certificate verify failed");
}

TEST_CASE("other handshake failures are not certificate problems", "[client][tls]") {
    const TlsFailure plain_peer =
        describe_tls_failure(X509_V_OK, ssl_error(SSL_R_WRONG_VERSION_NUMBER));
    CHECK_FALSE(plain_peer.certificate);
    CHECK(plain_peer.reason == "wrong version number");
    // Under --insecure the chain may be unverifiable while the handshake fails for another reason.
    const TlsFailure dropped =
        describe_tls_failure(X509_V_ERR_CERT_HAS_EXPIRED, boost::asio::error::eof);
    CHECK_FALSE(dropped.certificate);
    CHECK(dropped.reason == boost::system::error_code(boost::asio::error::eof).message());
}

TEST_CASE("a failed handshake's text names the peer and the problem", "[client][tls]") {
    CHECK(tls_failure_text({true, "certificate has expired"}, "10.0.0.2:443") ==
          "the TLS certificate of 10.0.0.2:443 is not accepted: certificate has expired");
    CHECK(tls_failure_text({false, "wrong version number"}, "10.0.0.2:8003") ==
          "the TLS handshake with 10.0.0.2:8003 failed: wrong version number");
}

TEST_CASE("a client context needs TLS 1.2 and verifies peers unless insecure", "[client][tls]") {
    xiaozhi::test::TempDir dir;
    xiaozhi::testing::TestCa ca(dir.path() + "/ca");

    auto system_store = make_tls_client_context({});
    CHECK(SSL_CTX_get_min_proto_version(system_store.native_handle()) == TLS1_2_VERSION);
    CHECK(SSL_CTX_get_verify_mode(system_store.native_handle()) == SSL_VERIFY_PEER);

    auto insecure = make_tls_client_context({"", true});
    CHECK(SSL_CTX_get_verify_mode(insecure.native_handle()) == SSL_VERIFY_NONE);

    auto bundle = make_tls_client_context({ca.ca_path(), false});
    CHECK(SSL_CTX_get_verify_mode(bundle.native_handle()) == SSL_VERIFY_PEER);
    X509_STORE* store = SSL_CTX_get_cert_store(bundle.native_handle());
    CHECK(sk_X509_OBJECT_num(X509_STORE_get0_objects(store)) == 1);  // the test root alone
}

TEST_CASE("a CA bundle that is missing or holds no certificate is refused by name",
          "[client][tls]") {
    xiaozhi::test::TempDir dir;
    const std::string missing = dir.path() + "/missing.pem";
    CHECK_THROWS_WITH(make_tls_client_context({missing, false}),
                      Contains(missing) && Contains("no such file"));
    const std::string key_only =
        xiaozhi::testing::TestCa::write_unrelated_key(dir.path() + "/key.pem");
    CHECK_THROWS_WITH(make_tls_client_context({key_only, false}),
                      Contains(key_only) && Contains("PEM"));
}
