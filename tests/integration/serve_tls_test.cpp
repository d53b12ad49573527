// serve over TLS: https OTA and wss sessions with a test CA, refusals, mistakes, renewals, SNI.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "cli_harness.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"
#include "test_ca.hpp"

using namespace xiaozhi::testing;
namespace fs = std::filesystem;

namespace {

const std::string kDevice = std::string(XIAOZHI_SOURCE_DIR) + "/tests/integration/tls_device.py";

// The Python device (tls_device.py) started with `args`; its JSON lines, read as they come.
class PythonDevice {
  public:
    explicit PythonDevice(const std::string& args) {
        const std::string command = "/usr/bin/python3 '" + kDevice + "' " + args + " 2>&1";
        pipe_ = ::popen(command.c_str(), "r");
        REQUIRE(pipe_ != nullptr);
    }
    ~PythonDevice() {
        if (pipe_ != nullptr) ::pclose(pipe_);
    }
    PythonDevice(const PythonDevice&) = delete;
    PythonDevice& operator=(const PythonDevice&) = delete;

    // The next line it prints, as JSON (the device bounds every step in time).
    nlohmann::json next() {
        std::string line;
        for (int c = std::fgetc(pipe_); c != EOF && c != '\n'; c = std::fgetc(pipe_)) {
            line += static_cast<char>(c);
        }
        INFO("device said: " << line);
        return parse_json(line);
    }

  private:
    FILE* pipe_ = nullptr;
};

nlohmann::json run_device(const std::string& args) {
    PythonDevice device(args);
    return device.next();
}

std::string device_args(const std::string& ota_url, const TestCa& ca,
                        const std::string& extra = "") {
    return "--ota '" + ota_url + "' --ca '" + ca.ca_path() + "' " + extra;
}

// The SHA-256 fingerprint of the certificate (the first in the file), upper-case hex.
std::string fingerprint_of(const std::string& cert_path) {
    FILE* file = std::fopen(cert_path.c_str(), "r");
    REQUIRE(file != nullptr);
    X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
    std::fclose(file);
    REQUIRE(cert != nullptr);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    X509_digest(cert, EVP_sha256(), digest, &size);
    X509_free(cert);
    std::string hex;
    char byte[3];
    for (unsigned int i = 0; i < size; ++i) {
        std::snprintf(byte, sizeof byte, "%02X", digest[i]);
        hex += byte;
    }
    return hex;
}

// The TLS configuration: `cert` on a listener of its own at `port`, or on another port when
// that one was taken meanwhile (port_fallback any; the tests use the port serve bound).
std::string tls_section(const TestCertificate& cert, int port, const std::string& more = "") {
    return "[server]\nport_fallback = \"any\"\n[server.tls]\ncert = \"" + cert.cert_path +
           "\"\nkey = \"" + cert.key_path + "\"\nport = " + std::to_string(port) + "\n" + more;
}

std::string ota_url_of(const ServeProcess& serve) {
    return "https://127.0.0.1:" + std::to_string(serve.tls_port()) + "/xiaozhi/ota/";
}

TestCa::Leaf loopback_leaf() {
    TestCa::Leaf leaf;
    leaf.dns_names = {"localhost"};
    leaf.ip_addresses = {"127.0.0.1"};
    return leaf;
}

// Replaces the served files by `next`'s, the way certbot renews: new content, same names.
void renew(const TestCertificate& served, const TestCertificate& next) {
    fs::copy_file(next.key_path, served.key_path + ".new", fs::copy_options::overwrite_existing);
    fs::copy_file(next.cert_path, served.cert_path + ".new", fs::copy_options::overwrite_existing);
    fs::rename(served.key_path + ".new", served.key_path);
    fs::rename(served.cert_path + ".new", served.cert_path);
}

// A test CA in a fresh folder and a free port for serve's TLS listener.
struct TlsSetup {
    TempDir dir;
    TestCa ca{dir.path() + "/ca"};
    int port = free_port();
};

ServeProcess::Options refused_options(const std::string& config) {
    ServeProcess::Options options;
    options.config_toml = config;
    options.wait_ready = false;
    return options;
}

}  // namespace

TEST_CASE("serve over TLS: https OTA hands out wss on the TLS port, and a device talks over it",
          "[serve][tls]") {
    TlsSetup tls;
    const TestCertificate cert = tls.ca.issue("server", loopback_leaf());
    ServeProcess serve(std::string{tls_section(cert, tls.port)});

    const std::string ota = ota_url_of(serve);
    const nlohmann::json device = run_device(device_args(ota, tls.ca));
    INFO(device.dump());
    REQUIRE_FALSE(device.contains("error"));
    CHECK(device["ota_status"] == 200);
    CHECK(device["websocket_url"] ==
          "wss://127.0.0.1:" + std::to_string(serve.tls_port()) + "/xiaozhi/v1/");
    CHECK(device["hello"]["type"] == "hello");
    CHECK(device["turn_audio"] == 5);
    CHECK(device["fingerprint"] == fingerprint_of(cert.cert_path));

    // The plain listeners stay plain, and /healthz names the TLS port.
    const HttpReply health = http_get(serve.http_port(), "/healthz");
    REQUIRE(health.status == 200);
    const nlohmann::json body = parse_json(health.body);
    CHECK(body["ports"]["tls"] == serve.tls_port());
    CHECK(body["websocket_url"] == device["websocket_url"]);

    const std::string metrics = http_get(serve.http_port(), "/metrics").body;
    CHECK(contains(metrics, "xiaozhi_tls_handshakes_total{outcome=\"ok\"} 2"));
    CHECK(contains(metrics, "xiaozhi_tls_handshake_seconds_count 2"));
}

TEST_CASE("a 40 KiB https request body crosses many socket reads and records intact",
          "[serve][tls]") {
    TlsSetup tls;
    const TestCertificate cert = tls.ca.issue("server", loopback_leaf());
    ServeProcess serve(std::string{tls_section(cert, tls.port)});

    const nlohmann::json device = run_device(device_args(ota_url_of(serve), tls.ca, "--pad 40000"));
    INFO(device.dump());
    REQUIRE_FALSE(device.contains("error"));
    CHECK(device["ota_status"] == 200);
    CHECK(device["hello"]["type"] == "hello");
    CHECK(device["turn_audio"] == 5);
}

TEST_CASE("server.tls.listeners makes the WebSocket and HTTP ports themselves speak TLS",
          "[serve][tls]") {
    TlsSetup tls;
    const TestCertificate cert = tls.ca.issue("server", loopback_leaf());
    ServeProcess serve(std::string{"[server.tls]\ncert = \"" + cert.cert_path + "\"\nkey = \"" +
                                   cert.key_path + "\"\nlisteners = [\"websocket\", \"http\"]\n"});
    const std::string ota =
        "https://127.0.0.1:" + std::to_string(serve.http_port()) + "/xiaozhi/ota/";
    const nlohmann::json device = run_device(device_args(ota, tls.ca));
    INFO(device.dump());
    REQUIRE_FALSE(device.contains("error"));
    CHECK(device["websocket_url"] ==
          "wss://127.0.0.1:" + std::to_string(serve.websocket_port()) + "/xiaozhi/v1/");
    CHECK(device["turn_audio"] == 5);
}

TEST_CASE("plain HTTP on the TLS port gets a 400 that says so, and TLS on a plain port is named",
          "[serve][tls]") {
    TlsSetup tls;
    const TestCertificate cert = tls.ca.issue("server", loopback_leaf());
    ServeProcess serve(std::string{tls_section(cert, tls.port)});

    const HttpReply plain = http_get(serve.tls_port(), "/xiaozhi/ota/");
    CHECK(plain.status == 400);
    CHECK(contains(plain.body, "this port speaks TLS: use https:// or wss://"));
    CHECK(serve.wait_for_log("plain HTTP on a TLS port", 5000));

    // The first bytes of a ClientHello (a handshake record, TLS 1.0 record version).
    const std::string hello("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11);
    const std::string answer = raw_exchange(serve.http_port(), hello, 5000);
    CHECK(answer.find("HTTP/1.1 400") == std::string::npos);
    CHECK(serve.wait_for_log("TLS client on a plain port", 5000));
    CHECK_FALSE(contains(serve.log(), "http bad request"));
    const std::string metrics = http_get(serve.http_port(), "/metrics").body;
    CHECK(contains(metrics, "xiaozhi_tls_on_plain_port_total 1"));
    CHECK(contains(metrics, "xiaozhi_tls_handshakes_total{outcome=\"plain_http\"} 1"));
}

TEST_CASE("a TLS client that never finishes its handshake is closed at the handshake deadline",
          "[serve][tls]") {
    TlsSetup tls;
    const TestCertificate cert = tls.ca.issue("server", loopback_leaf());
    ServeProcess serve(std::string{tls_section(cert, tls.port, "handshake_timeout = 1\n")});
    const auto started = std::chrono::steady_clock::now();
    // Half a ClientHello, then silence: serve closes it, the read below ends with nothing.
    const std::string answer =
        raw_exchange(serve.tls_port(), std::string("\x16\x03\x01\x00\xa5", 5), 8000);
    const auto waited = std::chrono::steady_clock::now() - started;
    CHECK(answer.empty());
    CHECK(waited < std::chrono::seconds(7));
    CHECK(serve.wait_for_log("tls handshake failed", 5000));
    const std::string metrics = http_get(serve.http_port(), "/metrics").body;
    CHECK(contains(metrics, "xiaozhi_tls_handshakes_total{outcome=\"timeout\"} 1"));
}

TEST_CASE("serve refuses a certificate it must not serve", "[serve][tls]") {
    TlsSetup tls;

    SECTION("expired") {
        TestCa::Leaf leaf = loopback_leaf();
        leaf.not_before_offset = std::chrono::hours(-48);
        leaf.not_after_offset = std::chrono::hours(-24);
        ServeProcess serve(refused_options(tls_section(tls.ca.issue("expired", leaf), tls.port)));
        CHECK(serve.wait_exit(60000) == 1);
        CHECK(contains(serve.log(), "tls.expired"));
    }
    SECTION("not yet valid") {
        TestCa::Leaf leaf = loopback_leaf();
        leaf.not_before_offset = std::chrono::hours(24);
        ServeProcess serve(refused_options(tls_section(tls.ca.issue("early", leaf), tls.port)));
        CHECK(serve.wait_exit(60000) == 1);
        CHECK(contains(serve.log(), "tls.not-yet-valid"));
    }
    SECTION("a key of another certificate") {
        TestCertificate cert = tls.ca.issue("server", loopback_leaf());
        cert.key_path = TestCa::write_unrelated_key(tls.dir.path() + "/other.key");
        ServeProcess serve(refused_options(tls_section(cert, tls.port)));
        CHECK(serve.wait_exit(60000) == 1);
        CHECK(contains(serve.log(), "tls.key-mismatch"));
    }
    SECTION("a certificate that does not cover the advertised host") {
        TestCa::Leaf leaf;
        leaf.dns_names = {"device.example.com"};
        ServeProcess serve(refused_options(tls_section(tls.ca.issue("other", leaf), tls.port)));
        CHECK(serve.wait_exit(60000) == 1);
        CHECK(contains(serve.log(), "tls.host-not-covered"));
        CHECK(contains(serve.log(), "device.example.com"));
    }
    SECTION("a file that is not there") {
        TestCertificate cert = tls.ca.issue("server", loopback_leaf());
        cert.cert_path = tls.dir.path() + "/missing.pem";
        ServeProcess serve(refused_options(tls_section(cert, tls.port)));
        CHECK(serve.wait_exit(60000) == 1);
        CHECK(contains(serve.log(), "missing.pem"));
    }
}

TEST_CASE(
    "a renewed certificate on disk is served without dropping a session, and a bad one is not",
    "[serve][tls]") {
    TlsSetup tls;
    const TestCertificate served = tls.ca.issue("served", loopback_leaf());
    const std::string first = fingerprint_of(served.cert_path);
    ServeProcess serve(std::string{tls_section(served, tls.port, "watch_interval = 1\n")});
    const std::string ota = ota_url_of(serve);

    // A device says hello on the first certificate and holds its session open.
    const std::string go = tls.dir.path() + "/go";
    PythonDevice held(device_args(ota, tls.ca, "--hold-until '" + go + "'"));
    const nlohmann::json hello = held.next();
    REQUIRE(hello.value("held", false));
    CHECK(hello["fingerprint"] == first);

    const TestCertificate next = tls.ca.issue("next", loopback_leaf());
    renew(served, next);
    REQUIRE(serve.wait_for_log("certificates reloaded", 15000));
    const nlohmann::json fresh = run_device(device_args(ota, tls.ca, "--connect-only"));
    INFO(fresh.dump());
    CHECK(fresh["fingerprint"] == fingerprint_of(next.cert_path));

    // The session of before the renewal still talks.
    std::ofstream(go) << "go";
    const nlohmann::json turn = held.next();
    INFO(turn.dump());
    REQUIRE_FALSE(turn.contains("error"));
    CHECK(turn["turn_audio"] == 5);

    // A renewal whose key does not match is refused; the renewed certificate stays.
    fs::copy_file(TestCa::write_unrelated_key(tls.dir.path() + "/wrong.key"), served.key_path,
                  fs::copy_options::overwrite_existing);
    REQUIRE(serve.wait_for_log("certificate reload rejected", 15000));
    const nlohmann::json after = run_device(device_args(ota, tls.ca, "--connect-only"));
    CHECK(after["fingerprint"] == fingerprint_of(next.cert_path));
    const std::string metrics = http_get(serve.http_port(), "/metrics").body;
    CHECK(contains(metrics, "xiaozhi_tls_reloads_total{outcome=\"ok\"} 1"));
    CHECK(contains(metrics, "xiaozhi_tls_reloads_total{outcome=\"rejected\"} 1"));
}

TEST_CASE("SIGHUP reloads the certificate files too", "[serve][tls]") {
    TlsSetup tls;
    const TestCertificate served = tls.ca.issue("served", loopback_leaf());
    ServeProcess serve(std::string{tls_section(served, tls.port, "watch_interval = 3600\n")});
    const std::string ota = ota_url_of(serve);
    const TestCertificate next = tls.ca.issue("next", loopback_leaf());
    renew(served, next);
    serve.signal(SIGHUP);
    REQUIRE(serve.wait_for_log("config applied", 15000));
    const nlohmann::json fresh = run_device(device_args(ota, tls.ca, "--connect-only"));
    INFO(fresh.dump());
    CHECK(fresh["fingerprint"] == fingerprint_of(next.cert_path));
}

TEST_CASE("SNI: server.tls.certificates serve the certificate for the name the client asks",
          "[serve][tls]") {
    TlsSetup tls;
    const TestCertificate main_cert = tls.ca.issue("main", loopback_leaf());
    TestCa::Leaf other;
    other.dns_names = {"voice.example.org"};
    const TestCertificate other_cert = tls.ca.issue("other", other);
    ServeProcess serve(
        std::string{tls_section(main_cert, tls.port,
                                "certificates = [{ cert = \"" + other_cert.cert_path +
                                    "\", key = \"" + other_cert.key_path + "\" }]\n")});
    const std::string ota = ota_url_of(serve);
    const nlohmann::json by_name =
        run_device(device_args(ota, tls.ca, "--connect-only --server-name voice.example.org"));
    INFO(by_name.dump());
    CHECK(by_name["fingerprint"] == fingerprint_of(other_cert.cert_path));
    const nlohmann::json by_default = run_device(device_args(ota, tls.ca, "--connect-only"));
    CHECK(by_default["fingerprint"] == fingerprint_of(main_cert.cert_path));
}

TEST_CASE(
    "a certificate that expires within 30 days is served with a warning and its expiry "
    "exposed",
    "[serve][tls]") {
    TlsSetup tls;
    TestCa::Leaf leaf = loopback_leaf();
    leaf.not_after_offset = std::chrono::hours(24 * 10);
    const TestCertificate cert = tls.ca.issue("soon", leaf);
    ServeProcess serve(std::string{tls_section(cert, tls.port)});
    CHECK(contains(serve.log(), "certificate expires soon"));
    CHECK(contains(serve.log(), "in 9 days"));
    const std::string metrics = http_get(serve.http_port(), "/metrics").body;
    const std::string sample =
        "xiaozhi_tls_certificate_expiry_timestamp_seconds{file=\"" + cert.cert_path + "\"} ";
    const std::size_t at = metrics.find(sample);
    REQUIRE(at != std::string::npos);
    const long long expiry = std::stoll(metrics.substr(at + sample.size()));
    const long long expected =
        std::chrono::duration_cast<std::chrono::seconds>(
            (std::chrono::system_clock::now() + std::chrono::hours(24 * 10)).time_since_epoch())
            .count();
    CHECK(std::llabs(expiry - expected) < 600);
}

TEST_CASE("clients that hang up right after their handshakes leave serve running", "[serve][tls]") {
    TlsSetup tls;
    const TestCertificate cert = tls.ca.issue("server", loopback_leaf());
    ServeProcess serve(std::string{tls_section(cert, tls.port)});
    // openssl s_time: one full handshake after another, each connection closed at once,
    // so serve's last TLS records meet closed sockets (EPIPE, never SIGPIPE).
    const auto [status, output] = shell_output("timeout 20 openssl s_time -connect 127.0.0.1:" +
                                               std::to_string(serve.tls_port()) + " -new -time 2");
    CHECK(status == 0);
    INFO(output);
    CHECK(contains(output, "connections in"));
    CHECK(serve.running());
    CHECK(http_get(serve.http_port(), "/healthz").status == 200);
}

TEST_CASE("simulate-device talks to serve over https and wss, and times the TLS handshakes",
          "[serve][tls][simulate]") {
    TlsSetup tls;
    const TestCertificate cert = tls.ca.issue("server", loopback_leaf());
    ServeProcess serve(std::string{tls_section(cert, tls.port)});
    Run run;
    run.args = {"simulate-device",
                "--ota",
                "https://127.0.0.1:" + std::to_string(serve.tls_port()) + "/xiaozhi/ota/",
                "--ca",
                tls.ca.ca_path(),
                "--devices",
                "3",
                "--turns",
                "2",
                "--report",
                tls.dir.path() + "/report.json"};
    run.timeout_ms = 90000;
    const Result result = run_xiaozhi(run);
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    std::ifstream in(tls.dir.path() + "/report.json");
    const nlohmann::json report = nlohmann::json::parse(in);
    CHECK(report["devices"]["hello_ok"] == 3);
    CHECK(report["errors"]["total"] == 0);
    CHECK(report["echo"]["lost"] == 0);
    CHECK(report["echo"]["echoed"].get<int>() > 0);
    // One handshake for each OTA request and one for each WebSocket.
    CHECK(report["latency_ms"]["tls_handshake"]["count"] == 6);
    const std::string metrics = http_get(serve.http_port(), "/metrics").body;
    CHECK(contains(metrics, "xiaozhi_tls_handshakes_total{outcome=\"ok\"} 6"));
}
