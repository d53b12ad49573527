// The report's TLS figures: the tls_handshake histogram, the certificate error classes with
// their reasons (bounded per class, merged across threads), and the trust a run used.
#include <catch2/catch.hpp>

#include <thread>

#include "run_report.hpp"

using namespace xiaozhi::simulator;

namespace {

// A run in which 4 devices met an expired certificate and 2 met a mismatching one, on two
// threads, with their TLS handshakes timed.
RunResult tls_run() {
    RunStats stats(2);
    stats.add(Counter::devices_started, 8);
    for (int i = 1; i <= 6; ++i) stats.record(Latency::tls_handshake, 2000 * i);
    std::thread other([&] {
        stats.bind_thread(1);
        stats.error("ota_tls_certificate", "certificate has expired (127.0.0.1:8443)");
        stats.error("ota_tls_certificate", "certificate has expired (127.0.0.1:8443)");
        stats.error("tls_certificate", "hostname mismatch (localhost:8000)");
    });
    other.join();
    stats.error("ota_tls_certificate", "certificate has expired (127.0.0.1:8443)");
    stats.error("ota_tls_certificate", "certificate has expired (127.0.0.1:8443)");
    stats.error("tls_certificate", "IP address mismatch (127.0.0.1:8000)");
    stats.error("hello_timeout");
    RunResult result;
    result.figures = stats.merged();
    return result;
}

}  // namespace

TEST_CASE("TLS handshakes are a latency of their own, in JSON and in the table", "[report][tls]") {
    const RunResult run = tls_run();
    const auto report = report_json(SimulationOptions{}, run, {});
    CHECK(report["latency_ms"]["tls_handshake"]["count"] == 6);
    CHECK(report["latency_ms"]["tls_handshake"]["max"] == 12.0);
    const std::string text = summary_text(run, {}, false);
    const auto row = text.find("\ntls_handshake ");
    REQUIRE(row != std::string::npos);
    CHECK(text.substr(row + 1, text.find('\n', row + 1) - row - 1).find(" 6 ") !=
          std::string::npos);
    // Boot order: after connect, before hello.
    CHECK(text.find("\nconnect ") < row);
    CHECK(row < text.find("\nhello "));
}

TEST_CASE("certificate errors are counted by class with OpenSSL's reasons", "[report][tls]") {
    const RunResult run = tls_run();
    CHECK(run.figures.errors.at("ota_tls_certificate") == 4);
    CHECK(run.figures.errors.at("tls_certificate") == 2);
    CHECK(run.figures[Counter::errors] == 7);
    const auto report = report_json(SimulationOptions{}, run, {});
    CHECK(report["errors"]["by_class"]["ota_tls_certificate"] == 4);
    CHECK(report["errors"]["reasons"]["ota_tls_certificate"] ==
          nlohmann::json::array({"certificate has expired (127.0.0.1:8443)"}));
    CHECK(report["errors"]["reasons"]["tls_certificate"].size() == 2);
    CHECK_FALSE(report["errors"]["reasons"].contains("hello_timeout"));
    const std::string text = summary_text(run, {}, false);
    CHECK(text.find("ota_tls_certificate") != std::string::npos);
    CHECK(text.find("certificate has expired (127.0.0.1:8443)") != std::string::npos);
    CHECK(text.find("hostname mismatch (localhost:8000)") != std::string::npos);
}

TEST_CASE("a class keeps its first few distinct reasons, however many devices fail",
          "[report][tls]") {
    RunStats stats(1);
    for (int i = 0; i < 1000; ++i) {
        stats.error("tls_handshake", "reason " + std::to_string(i % 10));
    }
    const RunFigures figures = stats.merged();
    CHECK(figures.errors.at("tls_handshake") == 1000);
    REQUIRE(figures.reasons.at("tls_handshake").size() == kReasonsPerClass);
    CHECK(figures.reasons.at("tls_handshake").front() == "reason 0");
}

TEST_CASE("the report says which trust the run used", "[report][tls]") {
    SimulationOptions options;
    options.ca_file = "/etc/xiaozhi/ca.pem";
    const auto with_ca = report_json(options, tls_run(), {});
    CHECK(with_ca["run"]["ca_file"] == "/etc/xiaozhi/ca.pem");
    CHECK(with_ca["run"]["insecure"] == false);
    options.ca_file.clear();
    options.insecure = true;
    CHECK(report_json(options, tls_run(), {})["run"]["insecure"] == true);
}
