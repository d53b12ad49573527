// `xiaozhi simulate-device` against a real `xiaozhi serve`: turns, report, SLOs, error classes.
#include <catch2/catch.hpp>

#include <map>

#include "cli_harness.hpp"
#include "serve_process.hpp"
#include "simulate_run.hpp"

using namespace xiaozhi::testing;

namespace {

std::string ota_url(const ServeProcess& serve) {
    return "http://127.0.0.1:" + std::to_string(serve.http_port()) + "/xiaozhi/ota/";
}

std::string ws_url(const ServeProcess& serve) {
    return "ws://127.0.0.1:" + std::to_string(serve.websocket_port()) + "/xiaozhi/v1/";
}

// Runs simulate-device with `args` plus a report in `dir`; returns the result and the report.
Simulated simulate(const TempDir& dir, std::vector<std::string> args) {
    args.insert(args.end(), {"--threads", "2", "--pause", "100ms", "--utterance", "600ms"});
    return run_simulation(dir, std::move(args), 120000);
}

}  // namespace

TEST_CASE("20 devices talk 2 turns each over every binary protocol with no error", "[simulate]") {
    ServeProcess serve;
    TempDir dir;
    for (const std::string version : {"1", "2", "3"}) {
        INFO("protocol " << version);
        const Simulated run =
            simulate(dir, {"--ota", ota_url(serve), "--devices", "20", "--turns", "2", "--ramp",
                           "500ms", "--protocol", version, "--verify-audio"});
        INFO(run.result.out << run.result.err);
        CHECK(run.result.exit_code == 0);
        const auto& report = run.report;
        CHECK(report["devices"]["started"] == 20);
        CHECK(report["devices"]["ota_ok"] == 20);
        CHECK(report["devices"]["hello_ok"] == 20);
        CHECK(report["devices"]["finished"] == 20);
        CHECK(report["turns"]["completed"] == 40);
        CHECK(report["errors"]["total"] == 0);
        CHECK(report["frames"]["undecodable"] == 0);
        CHECK(report["frames"]["bad"] == 0);
        // 600 ms of speech in 60 ms frames, two turns, echoed back.
        CHECK(report["frames"]["sent"] == 20 * 2 * 10);
        CHECK(report["frames"]["received"] == 20 * 2 * 10);
        for (const char* latency : {"ota", "connect", "hello"}) {
            CHECK(report["latency_ms"][latency]["count"] == 20);
        }
        CHECK(report["latency_ms"]["first_reply"]["count"] == 40);
        CHECK(report["latency_ms"]["downlink_gap"]["count"] == 20 * 2 * 9);
        CHECK(report["latency_ms"]["pacing_lateness"]["count"] == 20 * 2 * 10);
        CHECK(report["latency_ms"]["hello"]["p99"].get<double>() > 0);
        CHECK(contains(run.result.out, "first_reply"));
        // serve echoes each packet unchanged, so every frame is matched to the one sent.
        CHECK(report["echo"]["echoed"] == 20 * 2 * 10);
        CHECK(report["echo"]["lost"] == 0);
        CHECK(report["echo"]["unmatched"] == 0);
        CHECK(report["latency_ms"]["round_trip"]["count"] == 20 * 2 * 10);
    }
}

TEST_CASE("200 devices talk 3 turns each with zero errors and a complete report", "[simulate]") {
    ServeProcess serve;
    TempDir dir;
    const Simulated run = simulate(dir, {"--ota", ota_url(serve), "--devices", "200", "--turns",
                                         "3", "--ramp", "2s", "--reply-timeout", "60s"});
    INFO(run.result.out << run.result.err);
    REQUIRE(run.result.exit_code == 0);
    const auto& report = run.report;
    for (const char* key :
         {"run", "devices", "turns", "frames", "echo", "latency_ms", "errors", "slo"}) {
        CHECK(report.contains(key));
    }
    CHECK(report["devices"]["started"] == 200);
    CHECK(report["devices"]["ota_ok"] == 200);
    CHECK(report["devices"]["connected"] == 200);
    CHECK(report["devices"]["hello_ok"] == 200);
    CHECK(report["devices"]["finished"] == 200);
    CHECK(report["devices"]["failed"] == 0);
    CHECK(report["turns"]["started"] == 600);
    CHECK(report["turns"]["completed"] == 600);
    CHECK(report["errors"]["total"] == 0);
    CHECK(report["errors"]["percent"] == 0.0);
    CHECK(report["errors"]["by_class"].empty());
    CHECK(report["errors"]["operations"] == 2 * 200 + 600);
    const int frames = 200 * 3 * 10;  // 600 ms utterances in 60 ms frames
    CHECK(report["frames"]["sent"] == frames);
    CHECK(report["frames"]["received"] == frames);
    CHECK(report["frames"]["bytes_sent"] == report["frames"]["bytes_received"]);
    CHECK(report["frames"]["bytes_sent"].get<long>() > frames * 4);  // headers and Opus
    CHECK(report["frames"]["text_received"].get<long>() >= 200 + 600 * 3);
    CHECK(report["frames"]["bad"] == 0);
    CHECK(report["echo"]["echoed"] == frames);
    CHECK(report["echo"]["lost"] == 0);
    CHECK(report["echo"]["reordered"] == 0);
    CHECK(report["echo"]["duplicated"] == 0);
    CHECK(report["echo"]["unmatched"] == 0);
    const std::map<std::string, int> counts = {
        {"ota", 200},          {"connect", 200},          {"hello", 200},
        {"first_reply", 600},  {"downlink_gap", 600 * 9}, {"pacing_lateness", frames},
        {"round_trip", frames}};
    for (const auto& [name, count] : counts) {
        INFO(name);
        const auto& latency = report["latency_ms"][name];
        CHECK(latency["count"] == count);
        CHECK(latency["p50"].get<double>() <= latency["p90"].get<double>());
        CHECK(latency["p90"].get<double>() <= latency["p99"].get<double>());
        CHECK(latency["p99"].get<double>() <= latency["p99_9"].get<double>());
        CHECK(latency["p99_9"].get<double>() <= latency["max"].get<double>());
        CHECK(latency.contains("mean"));
    }
    // A frame's echo cannot come back before the utterance it belongs to has ended.
    CHECK(report["latency_ms"]["round_trip"]["p50"].get<double>() >= 60.0);
}

TEST_CASE("idle devices say hello, stay connected until --duration, then leave", "[simulate]") {
    ServeProcess serve;
    TempDir dir;
    const Simulated run =
        simulate(dir, {"--ws", ws_url(serve), "--devices", "30", "--idle", "--duration", "1500ms"});
    INFO(run.result.out << run.result.err);
    CHECK(run.result.exit_code == 0);
    CHECK(run.report["run"]["idle"] == true);
    CHECK(run.report["devices"]["hello_ok"] == 30);
    CHECK(run.report["devices"]["finished"] == 30);
    CHECK(run.report["turns"]["started"] == 0);
    CHECK(run.report["frames"]["sent"] == 0);
    CHECK(run.report["run"]["wall_time_ms"].get<long>() >= 1500);
    CHECK(run.report["errors"]["total"] == 0);
}

TEST_CASE("simulate-device --ws skips OTA and aborted turns still complete", "[simulate]") {
    ServeProcess serve;
    TempDir dir;
    const Simulated run = simulate(dir, {"--ws", ws_url(serve), "--devices", "5", "--turns", "2",
                                         "--abort-rate", "1", "--mode", "auto"});
    INFO(run.result.out << run.result.err);
    CHECK(run.result.exit_code == 0);
    CHECK(run.report["devices"]["ota_ok"] == 0);
    CHECK(run.report["latency_ms"]["ota"]["count"] == 0);
    CHECK(run.report["devices"]["hello_ok"] == 5);
    CHECK(run.report["turns"]["completed"] == 10);
    CHECK(run.report["turns"]["aborted"] == 10);
    CHECK(run.report["errors"]["total"] == 0);
}

TEST_CASE("a breached objective exits 1 and a met one 0", "[simulate]") {
    ServeProcess serve;
    TempDir dir;
    const Simulated breached = simulate(dir, {"--ws", ws_url(serve), "--devices", "2", "--slo",
                                              "hello.p99<1us", "--slo", "errors<0.1%"});
    CHECK(breached.result.exit_code == 1);
    REQUIRE(breached.report["slo"].size() == 2);
    CHECK(breached.report["slo"][0]["met"] == false);
    CHECK(breached.report["slo"][1]["met"] == true);
    CHECK(contains(breached.result.out, "BREACHED"));
    const Simulated met = simulate(dir, {"--ws", ws_url(serve), "--devices", "2", "--slo",
                                         "hello.p99<5s", "--slo", "errors<1"});
    CHECK(met.result.exit_code == 0);
}

TEST_CASE("nothing listening exits 3 with errors by class", "[simulate]") {
    TempDir dir;
    const int port = free_port();
    const Simulated ota = simulate(
        dir,
        {"--ota", "http://127.0.0.1:" + std::to_string(port) + "/xiaozhi/ota/", "--devices", "3"});
    CHECK(ota.result.exit_code == 3);
    CHECK(ota.report["errors"]["by_class"]["ota_connect_refused"] == 3);
    const Simulated ws = simulate(
        dir, {"--ws", "ws://127.0.0.1:" + std::to_string(port) + "/xiaozhi/v1/", "--devices", "2"});
    CHECK(ws.result.exit_code == 3);
    CHECK(ws.report["errors"]["by_class"]["connect_refused"] == 2);
}

TEST_CASE("a rejected upgrade is counted with its HTTP status", "[simulate]") {
    ServeProcess::Options options;
    options.args = {"--set", "server.auth.enabled=true", "--set", "server.auth_key=k"};
    ServeProcess serve(options);
    TempDir dir;
    const Simulated run = simulate(dir, {"--ws", ws_url(serve), "--devices", "2"});
    CHECK(run.result.exit_code == 3);
    CHECK(run.report["errors"]["by_class"]["upgrade_rejected_401"] == 2);
}

TEST_CASE("a deployment config gives the OTA URL", "[simulate]") {
    const int ws_port = free_port();
    const int http_port = free_port();
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.config_toml = "[server]\nip = \"127.0.0.1\"\nport = " + std::to_string(ws_port) +
                          "\nhttp_port = " + std::to_string(http_port) + "\n";
    ServeProcess serve(options);
    TempDir dir;
    const Simulated run =
        simulate(dir, {serve.dir() + "/xiaozhi.toml", "--devices", "3", "--turns", "1"});
    INFO(run.result.out << run.result.err);
    CHECK(run.result.exit_code == 0);
    CHECK(run.report["run"]["ota_url"] ==
          "http://127.0.0.1:" + std::to_string(http_port) + "/xiaozhi/ota/");
    CHECK(run.report["devices"]["ota_ok"] == 3);
    CHECK(run.report["turns"]["completed"] == 3);
}

TEST_CASE("bad usage exits 2", "[simulate]") {
    CHECK(run_xiaozhi({"simulate-device"}).exit_code == 2);
    CHECK(run_xiaozhi({"simulate-device", "--ws", "http://127.0.0.1:1/"}).exit_code == 2);
    const Result slo =
        run_xiaozhi({"simulate-device", "--ws", "ws://127.0.0.1:1/", "--slo", "hello<1ms"});
    CHECK(slo.exit_code == 2);
    CHECK(contains(slo.err, "statistic"));
    CHECK(
        run_xiaozhi({"simulate-device", "--ws", "ws://127.0.0.1:1/", "--audio", "/nonexistent.wav"})
            .exit_code == 2);
    const Result idle = run_xiaozhi({"simulate-device", "--ws", "ws://127.0.0.1:1/", "--idle"});
    CHECK(idle.exit_code == 2);
    CHECK(contains(idle.err, "--idle needs --duration"));
    CHECK(run_xiaozhi({"simulate-device", "--ws", "ws://127.0.0.1:1/", "--idle", "--turns", "2",
                       "--duration", "1s"})
              .exit_code == 2);
}
