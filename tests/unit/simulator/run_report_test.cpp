// Tests of the report: every section and figure, objectives, and the summary table.
#include <catch2/catch.hpp>

#include "run_report.hpp"

using namespace xiaozhi::simulator;

namespace {

RunResult sample_run() {
    RunStats stats(2);
    stats.add(Counter::devices_started, 10);
    stats.add(Counter::hello_ok, 9);
    stats.add(Counter::turns_started, 20);
    stats.add(Counter::turns_completed, 18);
    stats.add(Counter::frames_sent, 300);
    stats.add(Counter::frames_echoed, 290);
    stats.add(Counter::frames_lost, 10);
    stats.add(Counter::frames_reordered, 3);
    stats.add(Counter::frames_duplicated, 2);
    stats.add(Counter::frames_unmatched, 1);
    stats.record(Latency::round_trip, 1'800'000);
    for (int i = 1; i <= 100; ++i) stats.record(Latency::hello, 1000 * i);
    stats.error("hello_timeout");
    stats.error("ota_http_503");
    stats.error("ota_http_503");
    RunResult result;
    result.figures = stats.merged();
    result.wall_time = std::chrono::milliseconds(1500);
    return result;
}

Slo objective(const std::string& text) {
    std::string error;
    return *parse_slo(text, error);
}

}  // namespace

TEST_CASE("the report has every section and the figures of the run", "[report]") {
    SimulationOptions options;
    options.ota_url = "http://127.0.0.1:8003/xiaozhi/ota/";
    options.devices = 10;
    const RunResult run = sample_run();
    const auto checks =
        check_slos({objective("hello.p99<50ms"), objective("errors<20%")}, run, true);
    const auto report = report_json(options, run, checks);
    for (const char* section :
         {"run", "devices", "turns", "frames", "echo", "latency_ms", "errors", "slo"}) {
        CHECK(report.contains(section));
    }
    CHECK(report["run"]["wall_time_ms"] == 1500);
    CHECK(report["run"]["mode"] == "manual");
    CHECK(report["devices"]["started"] == 10);
    CHECK(report["devices"]["hello_ok"] == 9);
    CHECK(report["turns"]["completed"] == 18);
    CHECK(report["frames"]["sent"] == 300);
    CHECK(report["echo"]["echoed"] == 290);
    CHECK(report["echo"]["lost"] == 10);
    CHECK(report["echo"]["reordered"] == 3);
    CHECK(report["echo"]["duplicated"] == 2);
    CHECK(report["echo"]["unmatched"] == 1);
    CHECK(report["latency_ms"]["round_trip"]["max"] == 1800.0);
    CHECK(report["run"]["idle"] == false);
    for (const char* latency : {"ota", "connect", "tls_handshake", "hello", "first_reply",
                                "downlink_gap", "pacing_lateness", "round_trip"}) {
        for (const char* field : {"count", "p50", "p90", "p99", "p99_9", "max", "mean"}) {
            CHECK(report["latency_ms"][latency].contains(field));
        }
    }
    CHECK(report["latency_ms"]["hello"]["count"] == 100);
    CHECK(report["latency_ms"]["hello"]["max"] == 100.0);
    CHECK(report["latency_ms"]["hello"]["p50"].get<double>() == Approx(50.0).epsilon(0.04));
    // 3 errors over 10 OTA requests + 10 connection attempts + 20 turns.
    CHECK(report["errors"]["total"] == 3);
    CHECK(report["errors"]["operations"] == 40);
    CHECK(report["errors"]["percent"].get<double>() == Approx(7.5));
    CHECK(report["errors"]["by_class"]["ota_http_503"] == 2);
    CHECK(report["errors"]["by_class"]["hello_timeout"] == 1);
    REQUIRE(report["slo"].size() == 2);
    CHECK(report["slo"][0]["met"] == false);
    CHECK(report["slo"][1]["met"] == true);
}

TEST_CASE("without OTA an operation is a connection attempt or a turn", "[report]") {
    CHECK(sample_run().figures.operations(false) == 30);
}

TEST_CASE("the summary names breached objectives and error classes", "[report]") {
    const RunResult run = sample_run();
    const auto checks = check_slos({objective("hello.p99<50ms")}, run, true);
    const std::string text = summary_text(run, checks, true);
    CHECK(text.find("BREACHED") != std::string::npos);
    CHECK(text.find("ota_http_503") != std::string::npos);
    CHECK(text.find("pacing_lateness") != std::string::npos);
    CHECK(text.find("echoed 290  lost 10  reordered 3  duplicated 2  unmatched 1") !=
          std::string::npos);
}
