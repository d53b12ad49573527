// The TLS rules: each fires on its case and stays quiet on the near miss.
#include <catch2/catch.hpp>

#include <fstream>

#include "analysis_fixture.hpp"
#include "temp_dir.hpp"
#include "test_ca.hpp"

using namespace std::chrono_literals;
using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;
using Ca = xiaozhi::testing::TestCa;

namespace {

// A folder with a test CA and a certificate for voice.example.com and 192.168.1.20.
struct TlsSetup {
    xiaozhi::test::TempDir dir;
    Ca ca{dir.path()};
    xiaozhi::testing::TestCertificate good = ca.issue("good", voice_leaf());

    static Ca::Leaf voice_leaf() {
        Ca::Leaf leaf;
        leaf.dns_names = {"voice.example.com"};
        leaf.ip_addresses = {"192.168.1.20"};
        return leaf;
    }

    xiaozhi::testing::TestCertificate issue(const std::string& name, Ca::Leaf leaf) {
        return ca.issue(name, leaf);
    }
};

std::string yaml_string(const std::string& path) {
    return "\"" + path + "\"";
}

// server: section for runtime xiaozhi with server.tls set to cert/key and `more` lines.
Deployment xiaozhi_server(const std::string& server_lines, const std::string& cert,
                          const std::string& key, const std::string& tls_lines = {},
                          host::Snapshot host = {}) {
    DeploymentSpec spec;
    spec.runtime = deploy::Runtime::xiaozhi;
    spec.files = {"server:\n" + server_lines + "  tls:\n    cert: " + yaml_string(cert) +
                  "\n    key: " + yaml_string(key) + "\n" + tls_lines};
    spec.host = std::move(host);
    return deployment(spec);
}

Deployment with_tls_port(const xiaozhi::testing::TestCertificate& files,
                         const std::string& server_lines = {}, host::Snapshot host = {}) {
    return xiaozhi_server(server_lines, files.cert_path, files.key_path, "    port: 8443\n",
                          std::move(host));
}

std::vector<Finding> tls_findings(const Deployment& d) {
    std::vector<Finding> found;
    for (const Finding& finding : d.findings()) {
        if (finding.rule.rfind("tls.", 0) == 0 || finding.rule == "url.tls-no-listener" ||
            finding.rule == "url.plain-on-tls-port" || finding.rule == "url.wss-on-plain-port") {
            found.push_back(finding);
        }
    }
    return found;
}

host::Snapshot at_time(std::chrono::system_clock::time_point time) {
    host::Snapshot host;
    host.time = time;
    return host;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("a good certificate on a TLS port gives no TLS finding", "[analysis][tls]") {
    TlsSetup setup;
    auto d = with_tls_port(setup.good, "  websocket: wss://voice.example.com:8443/xiaozhi/v1/\n");
    INFO(d.findings().size());
    CHECK(tls_findings(d).empty());
}

TEST_CASE("tls.file-unreadable: a missing certificate or key file", "[analysis][tls]") {
    TlsSetup setup;
    auto missing_cert =
        xiaozhi_server("", setup.dir.path() + "/none.pem", setup.good.key_path, "    port: 8443\n");
    auto found = missing_cert.findings("tls.file-unreadable");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "server.tls.cert");
    CHECK(found[0].origin.pos.file == "config.yaml");
    CHECK(found[0].origin.pos.line == 3);
    CHECK_THAT(found[0].message,
               Catch::Contains("none.pem") && Catch::Contains("No such file or directory"));
    CHECK_FALSE(found[0].suggestion.empty());

    auto missing_key = xiaozhi_server("", setup.good.cert_path, setup.dir.path() + "/none.key",
                                      "    port: 8443\n");
    found = missing_key.findings("tls.file-unreadable");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.tls.key");
    CHECK(found[0].origin.pos.line == 4);

    CHECK(with_tls_port(setup.good).findings("tls.file-unreadable").empty());
}

TEST_CASE("tls.not-pem: a DER certificate, a key file that holds no key", "[analysis][tls]") {
    TlsSetup setup;
    auto der = setup.ca.write_der_certificate(setup.dir.path() + "/cert.der");
    auto found =
        xiaozhi_server("", der, setup.good.key_path, "    port: 8443\n").findings("tls.not-pem");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.tls.cert");
    CHECK_THAT(found[0].suggestion, Catch::Contains("openssl x509 -inform der"));

    auto text = setup.dir.write("notes.key", "not a key\n");
    found =
        xiaozhi_server("", setup.good.cert_path, text, "    port: 8443\n").findings("tls.not-pem");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.tls.key");
    CHECK(with_tls_port(setup.good).findings("tls.not-pem").empty());
}

TEST_CASE("tls.key-mismatch: a key of another certificate", "[analysis][tls]") {
    TlsSetup setup;
    auto other = Ca::write_unrelated_key(setup.dir.path() + "/other.key");
    auto found = xiaozhi_server("", setup.good.cert_path, other, "    port: 8443\n")
                     .findings("tls.key-mismatch");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "server.tls.key");
    CHECK_THAT(found[0].message, Catch::Contains("other.key") && Catch::Contains("good.pem"));
    REQUIRE(found[0].related.size() == 1);
    CHECK(found[0].related[0].pos.line == 3);
    CHECK(with_tls_port(setup.good).findings("tls.key-mismatch").empty());
}

TEST_CASE("tls.chain-broken: the intermediate missing between leaf and root", "[analysis][tls]") {
    TlsSetup setup;
    Ca::Leaf leaf = TlsSetup::voice_leaf();
    leaf.include_chain = true;
    auto chained = setup.issue("chained", leaf);
    CHECK(with_tls_port(chained).findings("tls.chain-broken").empty());

    leaf.omit_intermediate = true;
    auto broken = setup.issue("broken", leaf);
    std::ofstream(broken.cert_path, std::ios::app) << slurp(setup.ca.ca_path());
    auto found = with_tls_port(broken).findings("tls.chain-broken");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.tls.cert");
    CHECK_THAT(found[0].message, Catch::Contains("intermediate"));
    CHECK_THAT(found[0].suggestion, Catch::Contains("in order"));
}

TEST_CASE("tls.expired and tls.not-yet-valid", "[analysis][tls]") {
    TlsSetup setup;
    Ca::Leaf expired = TlsSetup::voice_leaf();
    expired.not_before_offset = -86400s * 40;
    expired.not_after_offset = -86400s * 3 - 60s;
    auto found = with_tls_port(setup.issue("expired", expired)).findings("tls.expired");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "server.tls.cert");
    CHECK_THAT(found[0].message, Catch::Contains("expired on") && Catch::Contains("(3 days ago)"));

    Ca::Leaf future = TlsSetup::voice_leaf();
    future.not_before_offset = 86400s;
    found = with_tls_port(setup.issue("future", future)).findings("tls.not-yet-valid");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK_THAT(found[0].suggestion, Catch::Contains("clock"));

    auto good = with_tls_port(setup.good);
    CHECK(good.findings("tls.expired").empty());
    CHECK(good.findings("tls.not-yet-valid").empty());
}

TEST_CASE("tls.expiring: a warning within 30 days, with the date and days left",
          "[analysis][tls]") {
    TlsSetup setup;
    Ca::Leaf soon = TlsSetup::voice_leaf();
    soon.not_after_offset = 86400s * 10 + 3600s;
    auto found = with_tls_port(setup.issue("soon", soon)).findings("tls.expiring");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK_THAT(found[0].message, Catch::Contains("in 10 days"));
    CHECK_THAT(found[0].message, Catch::Matches(".*expires on 20[0-9]{2}-[0-9]{2}-[0-9]{2}, .*"));

    Ca::Leaf later = TlsSetup::voice_leaf();
    later.not_after_offset = 86400s * 31 + 3600s;
    CHECK(with_tls_port(setup.issue("later", later)).findings("tls.expiring").empty());
}

TEST_CASE("certificates are judged at the snapshot's time, not the clock's", "[analysis][tls]") {
    TlsSetup setup;
    const auto now = std::chrono::system_clock::now();
    CHECK(tls_findings(with_tls_port(setup.good, {}, at_time(now))).empty());
    auto expiring =
        with_tls_port(setup.good, {}, at_time(now + 24h * 350)).findings("tls.expiring");
    REQUIRE(expiring.size() == 1);
    CHECK_THAT(expiring[0].message, Catch::Contains("in 14 days"));
    CHECK(with_tls_port(setup.good, {}, at_time(now + 24h * 400)).findings("tls.expired").size() ==
          1);
    CHECK(with_tls_port(setup.good, {}, at_time(now - 24h)).findings("tls.not-yet-valid").size() ==
          1);
}

TEST_CASE("tls.host-not-covered: the URL's host is not a name of the certificate",
          "[analysis][tls]") {
    TlsSetup setup;
    auto found =
        with_tls_port(setup.good, "  websocket: wss://other.example.com:8443/xiaozhi/v1/\n")
            .findings("tls.host-not-covered");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].key == "server.websocket");
    CHECK_THAT(found[0].message, Catch::Contains("other.example.com"));
    CHECK_THAT(found[0].suggestion, Catch::Contains("voice.example.com, 192.168.1.20") &&
                                        Catch::Contains("other.example.com"));

    // The near misses: a name and an IP address the certificate has, any case.
    for (const char* url :
         {"wss://VOICE.example.com:8443/xiaozhi/v1/", "wss://192.168.1.20:8443/xiaozhi/v1/"}) {
        INFO(url);
        CHECK(with_tls_port(setup.good, std::string("  websocket: ") + url + "\n")
                  .findings("tls.host-not-covered")
                  .empty());
    }
    // An IP address never matches a DNS name, and an https OTA URL is checked too.
    Ca::Leaf named_only;
    named_only.dns_names = {"voice.example.com"};
    auto names = setup.issue("names", named_only);
    auto ip = with_tls_port(names, "  ota: https://192.168.1.20:8443/xiaozhi/ota/\n")
                  .findings("tls.host-not-covered");
    REQUIRE(ip.size() == 1);
    CHECK(ip[0].key == "server.ota");
}

TEST_CASE("tls.host-not-covered: the SNI certificate serve picks for a name", "[analysis][tls]") {
    TlsSetup setup;
    Ca::Leaf other_leaf;
    other_leaf.dns_names = {"*.other.example.net"};
    auto other = setup.issue("other", other_leaf);
    const std::string sni = "    certificates:\n      - cert: " + yaml_string(other.cert_path) +
                            "\n        key: " + yaml_string(other.key_path) + "\n";
    auto picked =
        xiaozhi_server("  websocket: wss://a.other.example.net:8443/xiaozhi/v1/\n",
                       setup.good.cert_path, setup.good.key_path, "    port: 8443\n" + sni);
    CHECK(picked.findings("tls.host-not-covered").empty());

    // Names configured for the entry pick it even though its certificate does not cover them.
    auto misnamed = xiaozhi_server("  websocket: wss://b.example.org:8443/xiaozhi/v1/\n",
                                   setup.good.cert_path, setup.good.key_path,
                                   "    port: 8443\n" + sni + "        names: [b.example.org]\n");
    auto found = misnamed.findings("tls.host-not-covered");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("server.tls.certificates[0].cert"));
    CHECK_THAT(found[0].suggestion, Catch::Contains("*.other.example.net"));
}

TEST_CASE("tls.host-not-covered: server.advertise_host when serve derives TLS URLs",
          "[analysis][tls]") {
    TlsSetup setup;
    auto found = with_tls_port(setup.good, "  advertise_host: xiaozhi.lan\n")
                     .findings("tls.host-not-covered");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.advertise_host");
    CHECK(with_tls_port(setup.good, "  advertise_host: voice.example.com\n")
              .findings("tls.host-not-covered")
              .empty());
    // No TLS listener: the derived URLs are plain, the certificate is not asked.
    CHECK(
        xiaozhi_server("  advertise_host: xiaozhi.lan\n", setup.good.cert_path, setup.good.key_path)
            .findings("tls.host-not-covered")
            .empty());
}

TEST_CASE("tls.unused-certificate: a certificate no listener uses", "[analysis][tls]") {
    TlsSetup setup;
    auto found = xiaozhi_server("", setup.good.cert_path, setup.good.key_path)
                     .findings("tls.unused-certificate");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::warning);
    CHECK(found[0].key == "server.tls.cert");
    CHECK_THAT(found[0].suggestion, Catch::Contains("server.tls.port"));
    CHECK(with_tls_port(setup.good).findings("tls.unused-certificate").empty());
    CHECK(xiaozhi_server("", setup.good.cert_path, setup.good.key_path,
                         "    listeners: [websocket]\n")
              .findings("tls.unused-certificate")
              .empty());
}

TEST_CASE("tls.incomplete: a certificate without key, a TLS port without certificate",
          "[analysis][tls]") {
    auto without_key = deployment("server:\n  tls:\n    cert: cert.pem\n    port: 8443\n",
                                  deploy::Runtime::xiaozhi)
                           .findings("tls.incomplete");
    REQUIRE(without_key.size() == 1);
    CHECK(without_key[0].key == "server.tls.cert");
    CHECK_THAT(without_key[0].message, Catch::Contains("server.tls.key is not"));

    auto port_only = deployment("server:\n  tls:\n    port: 8443\n", deploy::Runtime::xiaozhi)
                         .findings("tls.incomplete");
    REQUIRE(port_only.size() == 1);
    CHECK(port_only[0].key == "server.tls.port");

    TlsSetup setup;
    CHECK(with_tls_port(setup.good).findings("tls.incomplete").empty());
}

TEST_CASE("url.tls-no-listener: a TLS URL at a port without a TLS listener", "[analysis][tls]") {
    TlsSetup setup;
    auto local = with_tls_port(setup.good, "  websocket: wss://192.168.1.20/xiaozhi/v1/\n")
                     .findings("url.tls-no-listener");
    REQUIRE(local.size() == 1);
    CHECK(local[0].severity == Severity::error);
    CHECK_THAT(local[0].message, Catch::Contains("port 443") && Catch::Contains("8443"));
    CHECK(local[0].suggestion == "use wss://192.168.1.20:8443/xiaozhi/v1/");

    // A name may be a router forwarding 443 to serve's 8443: a warning.
    auto named = with_tls_port(setup.good, "  websocket: wss://voice.example.com/xiaozhi/v1/\n")
                     .findings("url.tls-no-listener");
    REQUIRE(named.size() == 1);
    CHECK(named[0].severity == Severity::warning);

    // https at the plain HTTP port.
    auto plain_http = with_tls_port(setup.good, "  ota: https://192.168.1.20:8003/xiaozhi/ota/\n")
                          .findings("url.tls-no-listener");
    REQUIRE(plain_http.size() == 1);
    CHECK_THAT(plain_http[0].message, Catch::Contains("a plain listener"));

    CHECK(with_tls_port(setup.good, "  websocket: wss://192.168.1.20:8443/xiaozhi/v1/\n")
              .findings("url.tls-no-listener")
              .empty());
}

TEST_CASE("url.plain-on-tls-port: ws:// at a TLS-only port", "[analysis][tls]") {
    TlsSetup setup;
    auto found = with_tls_port(setup.good, "  websocket: ws://192.168.1.20:8443/xiaozhi/v1/\n")
                     .findings("url.plain-on-tls-port");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK(found[0].suggestion == "use wss://192.168.1.20:8443/xiaozhi/v1/");
    // Not a port mismatch as well.
    CHECK(with_tls_port(setup.good, "  websocket: ws://192.168.1.20:8443/xiaozhi/v1/\n")
              .findings("url.port-mismatch")
              .empty());

    auto listeners =
        xiaozhi_server("  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n", setup.good.cert_path,
                       setup.good.key_path, "    listeners: [websocket]\n");
    CHECK(listeners.findings("url.plain-on-tls-port").size() == 1);

    CHECK(with_tls_port(setup.good, "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n")
              .findings("url.plain-on-tls-port")
              .empty());
}

TEST_CASE("url.wss-on-plain-port: wss:// at the plain WebSocket port", "[analysis][tls]") {
    TlsSetup setup;
    auto found =
        with_tls_port(setup.good, "  websocket: wss://voice.example.com:8000/xiaozhi/v1/\n")
            .findings("url.wss-on-plain-port");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == Severity::error);
    CHECK_THAT(found[0].message, Catch::Contains("the WebSocket port speaks plain ws"));
    CHECK_THAT(found[0].suggestion, Catch::StartsWith("use wss://voice.example.com:8443/"));
    auto d = with_tls_port(setup.good, "  websocket: wss://voice.example.com:8000/xiaozhi/v1/\n");
    CHECK(d.findings("url.tls-no-listener").empty());
    CHECK(d.findings("url.scheme").empty());

    auto listeners =
        xiaozhi_server("  websocket: wss://voice.example.com:8000/xiaozhi/v1/\n",
                       setup.good.cert_path, setup.good.key_path, "    listeners: [websocket]\n");
    CHECK(tls_findings(listeners).empty());
}

TEST_CASE("a TLS URL at another service's TLS listener is url.wrong-service", "[analysis][tls]") {
    TlsSetup setup;
    auto d = xiaozhi_server("  websocket: wss://voice.example.com:8003/xiaozhi/v1/\n",
                            setup.good.cert_path, setup.good.key_path, "    listeners: [http]\n");
    auto found = d.findings("url.wrong-service");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("8003"));
}

TEST_CASE("the TLS listener takes part in port.conflict", "[analysis][tls][port.conflict]") {
    TlsSetup setup;
    auto clash = xiaozhi_server("  port: 8000\n", setup.good.cert_path, setup.good.key_path,
                                "    port: 8000\n");
    auto found = clash.findings("port.conflict");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.tls.port");
    CHECK(with_tls_port(setup.good).findings("port.conflict").empty());
}

TEST_CASE("server.tls shapes serve refuses are config.type", "[analysis][tls][config.type]") {
    auto d = deployment(
        "server:\n  tls:\n    cert: a.pem\n    key: a.key\n    listeners: [wss]\n"
        "    handshake_timeout: 0\n    watch_interval: 3601\n"
        "    certificates:\n      - cert: b.pem\n      - 7\n",
        deploy::Runtime::xiaozhi);
    auto found = d.findings("config.type");
    REQUIRE(found.size() == 5);
    std::vector<std::string> messages;
    for (const auto& finding : found) messages.push_back(finding.message);
    auto any_contains = [&messages](const std::string& text) {
        return std::any_of(messages.begin(), messages.end(), [&text](const std::string& m) {
            return m.find(text) != std::string::npos;
        });
    };
    CHECK(any_contains("\"wss\""));
    CHECK(any_contains("handshake_timeout is 0"));
    CHECK(any_contains("watch_interval is 3601"));
    CHECK(any_contains("server.tls.certificates[0] (config.yaml:9:9) has no key"));
    CHECK(any_contains("server.tls.certificates[1]"));

    auto fine = deployment(
        "server:\n  tls:\n    cert: a.pem\n    key: a.key\n    listeners: [websocket, http]\n"
        "    handshake_timeout: 3600\n    watch_interval: 1\n",
        deploy::Runtime::xiaozhi);
    CHECK(fine.findings("config.type").empty());
}

TEST_CASE("the reference behind a TLS proxy: no TLS rule, no port advice for the wss URL",
          "[analysis][tls][url.port-mismatch]") {
    TlsSetup setup;
    // The python runtime never reads server.tls; devices reach a proxy on 443 that forwards to
    // the plain 8000.
    DeploymentSpec spec;
    spec.files = {
        "server:\n  port: 8000\n  websocket: wss://voice.example.com/xiaozhi/v1/\n"
        "  vision_explain: https://voice.example.com/mcp/vision/explain\n"
        "  tls:\n    cert: " +
        yaml_string(setup.dir.path() + "/missing.pem") + "\n    port: 8443\n"};
    auto python = deployment(spec);
    CHECK(python.findings().empty());
    CHECK(python.model.certificates.empty());
    for (const auto& listener : python.model.listeners) CHECK_FALSE(listener.tls);

    spec.files = {"server:\n  port: 8000\n  websocket: wss://voice.example.com:443/xiaozhi/v1/\n"};
    CHECK(deployment(spec).findings().empty());

    // A port mismatch of a plain URL on a name stays a warning, and its fix keeps the scheme.
    spec.files = {"server:\n  port: 8000\n  websocket: ws://voice.example.com/xiaozhi/v1/\n"};
    auto mismatch = deployment(spec).findings("url.port-mismatch");
    REQUIRE(mismatch.size() == 1);
    CHECK(mismatch[0].severity == Severity::warning);
    CHECK_THAT(mismatch[0].message, Catch::Contains("proxy"));

    // serve without TLS of its own behind a proxy: the same quiet for wss://.
    auto serve_proxied =
        deployment("server:\n  port: 8000\n  websocket: wss://voice.example.com/xiaozhi/v1/\n",
                   deploy::Runtime::xiaozhi);
    CHECK(serve_proxied.findings().empty());
}
