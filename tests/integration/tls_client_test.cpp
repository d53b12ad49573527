// simulate-device and ota-push over https:// and wss:// against the Python TLS peer
// (tls_peer.py) and a serve over TLS, with certificates from the test CA: trusted, untrusted,
// expired, mismatching.
#include <catch2/catch.hpp>

#include <algorithm>

#include "cli_harness.hpp"
#include "serve_process.hpp"
#include "simulate_run.hpp"
#include "test_ca.hpp"
#include "tls_peer_process.hpp"

using namespace xiaozhi::testing;
using namespace std::chrono_literals;

namespace {

TestCa::Leaf for_loopback() {
    TestCa::Leaf leaf;
    leaf.ip_addresses = {"127.0.0.1"};
    return leaf;
}

TestCa::Leaf expired_for_loopback() {
    TestCa::Leaf leaf = for_loopback();
    leaf.not_before_offset = -7200s;
    leaf.not_after_offset = -3600s;
    return leaf;
}

// simulate-device with `args`, short turns and a report in `dir`.
Simulated simulate(const TempDir& dir, std::vector<std::string> args) {
    args.insert(args.end(), {"--threads", "1", "--turns", "1", "--pause", "100ms", "--utterance",
                             "600ms", "--hello-timeout", "5s"});
    return run_simulation(dir, std::move(args), 60000);
}

// The report's errors by class, as "class=count ...".
std::string classes(const nlohmann::json& report) {
    std::string text;
    for (const auto& [name, count] : report["errors"]["by_class"].items()) {
        if (!text.empty()) text += ' ';
        text += name + "=" + std::to_string(count.get<int>());
    }
    return text;
}

// The reasons the report gives for `error_class`, joined.
std::string reasons(const nlohmann::json& report, const std::string& error_class) {
    std::string text;
    for (const auto& reason : report["errors"]["reasons"].value(error_class, nlohmann::json{})) {
        text += reason.get<std::string>() + "\n";
    }
    return text;
}

constexpr const char* kAdminToken = "tls-admin-token";

// ota-push with `args` and the admin token in its environment.
Result ota_push(std::vector<std::string> args) {
    args.insert(args.begin(), "ota-push");
    Result result =
        run_xiaozhi(Run{args, {std::string("XIAOZHI_ADMIN_TOKEN=") + kAdminToken}, {}, 60000});
    UNSCOPED_INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
    return result;
}

std::string http_peer(const TlsPeer& peer) {
    return "127.0.0.1:" + std::to_string(peer.http_port);
}

}  // namespace

TEST_CASE("simulate-device boots over https and talks over wss when --ca vouches for the peer",
          "[tls][simulate]") {
    TempDir dir;
    TestCa ca(dir.path() + "/ca");
    const auto cert = ca.issue("peer", for_loopback());
    TlsPeer peer({cert.cert_path, cert.key_path});
    const Simulated run =
        simulate(dir, {"--ota", peer.ota_url, "--ca", ca.ca_path(), "--devices", "2"});
    INFO(run.result.out << run.result.err);
    CHECK(run.result.exit_code == 0);
    const auto& report = run.report;
    CHECK(report["devices"]["ota_ok"] == 2);
    CHECK(report["devices"]["hello_ok"] == 2);
    CHECK(report["devices"]["finished"] == 2);
    CHECK(report["turns"]["completed"] == 2);
    CHECK(report["errors"]["total"] == 0);
    CHECK(report["echo"]["echoed"] == 2 * 10);  // 600 ms in 60 ms frames, echoed by the peer
    // One handshake for each OTA request and one for each WebSocket.
    CHECK(report["latency_ms"]["tls_handshake"]["count"] == 4);
    CHECK(report["latency_ms"]["tls_handshake"]["max"].get<double>() > 0);
    CHECK(report["run"]["ca_file"] == ca.ca_path());
    CHECK(report["run"]["insecure"] == false);
    CHECK(contains(run.result.out, "tls_handshake"));
    CHECK_FALSE(contains(run.result.err, "warning"));
}

TEST_CASE("simulate-device refuses a certificate no trusted CA issued", "[tls][simulate]") {
    TempDir dir;
    TestCa ca(dir.path() + "/ca");
    TestCa stranger(dir.path() + "/stranger");
    const auto cert = ca.issue("peer", for_loopback());
    TlsPeer peer({cert.cert_path, cert.key_path});
    for (const bool system_store : {true, false}) {
        INFO((system_store ? "the system trust store" : "--ca of another CA"));
        std::vector<std::string> args = {"--ota", peer.ota_url, "--devices", "2"};
        if (!system_store) args.insert(args.end(), {"--ca", stranger.ca_path()});
        const Simulated run = simulate(dir, args);
        CHECK(run.result.exit_code == 3);
        CHECK(classes(run.report) == "ota_tls_certificate=2");
        CHECK(reasons(run.report, "ota_tls_certificate") ==
              "unable to get local issuer certificate (" + http_peer(peer) + ")\n");
        CHECK(run.report["devices"]["ota_ok"] == 0);
        CHECK(contains(run.result.out, "ota_tls_certificate"));
        CHECK(contains(run.result.out, "unable to get local issuer certificate"));
    }
}

TEST_CASE("simulate-device refuses an expired certificate", "[tls][simulate]") {
    TempDir dir;
    TestCa ca(dir.path() + "/ca");
    const auto cert = ca.issue("expired", expired_for_loopback());
    TlsPeer peer({cert.cert_path, cert.key_path});
    const std::string ws_peer = "127.0.0.1:" + std::to_string(peer.ws_port);

    const Simulated ota = simulate(dir, {"--ota", peer.ota_url, "--ca", ca.ca_path()});
    CHECK(ota.result.exit_code == 3);
    CHECK(classes(ota.report) == "ota_tls_certificate=1");
    CHECK(reasons(ota.report, "ota_tls_certificate") ==
          "certificate has expired (" + http_peer(peer) + ")\n");

    const Simulated ws = simulate(dir, {"--ws", peer.ws_url, "--ca", ca.ca_path()});
    CHECK(ws.result.exit_code == 3);
    CHECK(classes(ws.report) == "tls_certificate=1");
    CHECK(reasons(ws.report, "tls_certificate") == "certificate has expired (" + ws_peer + ")\n");
    CHECK(ws.report["latency_ms"]["tls_handshake"]["count"] == 0);
}

TEST_CASE("simulate-device refuses a certificate that does not cover the URL's host",
          "[tls][simulate]") {
    TempDir dir;
    TestCa ca(dir.path() + "/ca");
    TestCa::Leaf other_name;
    other_name.dns_names = {"voice.example.net"};
    const auto cert = ca.issue("other", other_name);
    TlsPeer peer({cert.cert_path, cert.key_path});
    const std::string port = std::to_string(peer.ws_port);

    const Simulated by_ip = simulate(dir, {"--ws", peer.ws_url, "--ca", ca.ca_path()});
    CHECK(by_ip.result.exit_code == 3);
    CHECK(classes(by_ip.report) == "tls_certificate=1");
    CHECK(reasons(by_ip.report, "tls_certificate") ==
          "IP address mismatch (127.0.0.1:" + port + ")\n");

    const Simulated by_name =
        simulate(dir, {"--ws", "wss://localhost:" + port + "/xiaozhi/v1/", "--ca", ca.ca_path()});
    CHECK(by_name.result.exit_code == 3);
    CHECK(classes(by_name.report) == "tls_certificate=1");
    CHECK(reasons(by_name.report, "tls_certificate") ==
          "hostname mismatch (localhost:" + port + ")\n");
}

TEST_CASE("simulate-device --insecure accepts any certificate and says what it does not check",
          "[tls][simulate]") {
    TempDir dir;
    TestCa ca(dir.path() + "/ca");
    const auto cert = ca.issue("expired", expired_for_loopback());
    TlsPeer peer({cert.cert_path, cert.key_path});
    const Simulated run = simulate(dir, {"--ota", peer.ota_url, "--insecure"});
    INFO(run.result.out << run.result.err);
    CHECK(run.result.exit_code == 0);
    CHECK(run.report["errors"]["total"] == 0);
    CHECK(run.report["devices"]["hello_ok"] == 1);
    CHECK(run.report["run"]["insecure"] == true);
    const auto lines = run.result.err_lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "xiaozhi simulate-device: warning: --insecure: TLS certificates are not verified (not "
          "who issued them, not their validity dates, not the host name): anyone on the network "
          "path can pose as the server");
}

TEST_CASE("simulate-device refuses an unusable --ca before any device starts", "[tls][simulate]") {
    TempDir dir;
    const Result missing = run_xiaozhi({"simulate-device", "--ws", "wss://127.0.0.1:9/xiaozhi/v1/",
                                        "--ca", dir.path() + "/missing.pem"});
    CHECK(missing.exit_code == 2);
    CHECK(contains(missing.err, dir.path() + "/missing.pem"));
    CHECK(missing.out.empty());
    const std::string not_pem = dir.write("not.pem", "no certificate here\n");
    const Result garbage = run_xiaozhi(
        {"simulate-device", "--ota", "https://127.0.0.1:9/xiaozhi/ota/", "--ca", not_pem});
    CHECK(garbage.exit_code == 2);
    CHECK(contains(garbage.err, not_pem));
    const Result both = run_xiaozhi({"simulate-device", "--ws", "wss://127.0.0.1:9/xiaozhi/v1/",
                                     "--ca", not_pem, "--insecure"});
    CHECK(both.exit_code == 2);
    CHECK(contains(both.err, "excludes"));
}

TEST_CASE("ota-push talks to an https:// server and names a certificate it refuses",
          "[tls][ota-push]") {
    TempDir dir;
    TestCa ca(dir.path() + "/ca");
    const auto cert = ca.issue("peer", for_loopback());
    TlsPeer peer({cert.cert_path, cert.key_path});
    const std::string server = "https://127.0.0.1:" + std::to_string(peer.http_port);

    // The system store does not know the test CA: no request is sent.
    const Result refused =
        run_xiaozhi(Run{{"ota-push", "--server", server, "--token", "t", "--history"}});
    CHECK(refused.exit_code == 3);
    CHECK(contains(refused.err, "cannot reach the server " + server));
    CHECK(contains(refused.err, "the TLS certificate of " + http_peer(peer) +
                                    " is not accepted: unable to get local issuer certificate"));

    // Trusting the CA, the request gets through; the peer has no admin API and says so.
    const Result answered = run_xiaozhi(
        Run{{"ota-push", "--server", server, "--token", "t", "--ca", ca.ca_path(), "--history"}});
    CHECK(answered.exit_code == 3);
    CHECK(contains(answered.err, server + " answered 404"));

    const Result insecure = run_xiaozhi(
        Run{{"ota-push", "--server", server, "--token", "t", "--insecure", "--history"}});
    CHECK(insecure.exit_code == 3);
    CHECK(contains(insecure.err, "answered 404"));
    const auto lines = insecure.err_lines();
    CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& line) {
              return contains(line, "warning: --insecure: TLS certificates are not verified");
          }) == 1);
}

TEST_CASE("ota-push pushes to serve over https and verifies as a device over wss",
          "[tls][ota-push]") {
    TempDir dir;
    TestCa ca(dir.path() + "/ca");
    const auto cert = ca.issue("server", for_loopback());
    const int tls_port = free_port();
    ServeProcess::Options options;
    options.config_toml = "[server]\nadmin_token = \"" + std::string(kAdminToken) +
                          "\"\n[server.tls]\ncert = \"" + cert.cert_path + "\"\nkey = \"" +
                          cert.key_path + "\"\nport = " + std::to_string(tls_port) + "\n";
    ServeProcess serve(options);
    const std::string server = "https://127.0.0.1:" + std::to_string(tls_port);

    const Result pushed =
        ota_push({"--server", server, "--ca", ca.ca_path(), "--set", "server.websocket_version=3"});
    CHECK(pushed.exit_code == 0);
    CHECK(contains(pushed.out, "Verified as a device: the OTA answer hands out wss://127.0.0.1:" +
                                   std::to_string(tls_port) + "/xiaozhi/v1/"));
    CHECK(contains(pushed.out, "the server answered hello"));
}

TEST_CASE("ota-push rolls back a change whose wss:// address has a certificate devices refuse",
          "[tls][ota-push]") {
    TempDir dir;
    TestCa ca(dir.path() + "/ca");
    TestCa stranger(dir.path() + "/stranger");
    const auto cert = ca.issue("server", for_loopback());
    ServeProcess::Options options;
    options.config_toml = "[server]\nadmin_token = \"" + std::string(kAdminToken) +
                          "\"\n[server.tls]\ncert = \"" + cert.cert_path + "\"\nkey = \"" +
                          cert.key_path + "\"\nlisteners = [\"websocket\"]\n";
    ServeProcess serve(options);
    const std::string server = "http://127.0.0.1:" + std::to_string(serve.http_port());
    const std::string ws_peer = "127.0.0.1:" + std::to_string(serve.websocket_port());

    // The admin API is plain http; the devices' address is wss:// with a certificate that
    // the trusted CA (here: another one) did not issue.
    const Result refused = ota_push(
        {"--server", server, "--ca", stranger.ca_path(), "--set", "server.websocket_version=3"});
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.out, "Verification failed: devices cannot use wss://" + ws_peer +
                                    "/xiaozhi/v1/: the TLS certificate of " + ws_peer +
                                    " is not accepted: unable to get local issuer certificate"));
    CHECK(contains(refused.out, "Restored revision 0"));
    CHECK(contains(refused.err, "revision 0 was restored"));

    const Result trusted =
        ota_push({"--server", server, "--ca", ca.ca_path(), "--set", "server.websocket_version=3"});
    CHECK(trusted.exit_code == 0);
    CHECK(contains(trusted.out, "the server answered hello"));
}
