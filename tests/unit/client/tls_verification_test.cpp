// ota-push's verification as a device over TLS, against the Python TLS peer
// (tests/integration/tls_peer.py), which serves the expired and mismatching certificates that
// serve itself refuses to serve.
#include <catch2/catch.hpp>

#include "admin_client.hpp"
#include "server_address.hpp"
#include "temp_dir.hpp"
#include "test_ca.hpp"
#include "tls_peer_process.hpp"
#include "verification.hpp"

using namespace xiaozhi::client;
using namespace std::chrono_literals;
using Catch::Contains;
using xiaozhi::testing::TestCa;
using xiaozhi::testing::TlsPeer;

namespace {

TestCa::Leaf for_loopback() {
    TestCa::Leaf leaf;
    leaf.ip_addresses = {"127.0.0.1"};
    return leaf;
}

Verification verify_at(const std::string& ota_base, const TlsTrust& trust) {
    std::string error;
    const auto server = parse_server_address(ota_base, error);
    REQUIRE(server);
    const AdminClient client(*server, "unused", 5s, trust);
    return verify_device_path(client, ExpectedWebsocket{}, 5s);
}

std::string base_of(const TlsPeer& peer, const char* scheme) {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(peer.http_port);
}

}  // namespace

TEST_CASE("verification over https and wss passes with a certificate the CA vouches for",
          "[client][tls][verify]") {
    xiaozhi::test::TempDir dir;
    TestCa ca(dir.path() + "/ca");
    const auto cert = ca.issue("good", for_loopback());
    TlsPeer peer({cert.cert_path, cert.key_path});
    const Verification result = verify_at(base_of(peer, "https"), {ca.ca_path(), false});
    INFO(result.error);
    CHECK(result.status == Verification::Status::passed);
    CHECK(result.websocket_url == peer.ws_url);
    CHECK_FALSE(result.session_id.empty());
    CHECK(result.note.empty());
}

TEST_CASE("verification over wss names the certificate problem and the host",
          "[client][tls][verify]") {
    xiaozhi::test::TempDir dir;
    TestCa ca(dir.path() + "/ca");
    TestCa::Leaf expired = for_loopback();
    expired.not_before_offset = -7200s;
    expired.not_after_offset = -3600s;
    const auto cert = ca.issue("expired", expired);
    TlsPeer peer({cert.cert_path, cert.key_path, true});
    const std::string ws_peer = "127.0.0.1:" + std::to_string(peer.ws_port);

    const Verification result = verify_at(base_of(peer, "http"), {ca.ca_path(), false});
    CHECK(result.status == Verification::Status::failed);
    CHECK_FALSE(result.server_unreachable);  // the server answered: a failed change, rolled back
    CHECK(result.websocket_url == peer.ws_url);
    CHECK_THAT(result.error, Contains("devices cannot use " + peer.ws_url) &&
                                 Contains("the TLS certificate of " + ws_peer) &&
                                 Contains("certificate has expired"));

    // The system store does not know the test CA; --insecure checks nothing.
    const Verification untrusted = verify_at(base_of(peer, "http"), {});
    CHECK(untrusted.status == Verification::Status::failed);
    CHECK_THAT(untrusted.error, Contains(ws_peer) && Contains("unable to get local issuer"));
    const Verification insecure = verify_at(base_of(peer, "http"), {"", true});
    INFO(insecure.error);
    CHECK(insecure.status == Verification::Status::passed);
}

TEST_CASE("verification names a certificate that does not cover the URL's host",
          "[client][tls][verify]") {
    xiaozhi::test::TempDir dir;
    TestCa ca(dir.path() + "/ca");
    TestCa::Leaf other_name;
    other_name.dns_names = {"voice.example.net"};
    const auto cert = ca.issue("other", other_name);
    TlsPeer peer({cert.cert_path, cert.key_path, true});
    const Verification result = verify_at(base_of(peer, "http"), {ca.ca_path(), false});
    CHECK(result.status == Verification::Status::failed);
    CHECK_THAT(result.error, Contains("IP address mismatch") &&
                                 Contains("127.0.0.1:" + std::to_string(peer.ws_port)));
}
