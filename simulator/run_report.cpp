// The run's report as JSON and as a summary table; objectives checked against it.
#include "run_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "latency_kind.hpp"
#include "protocol/device_message.hpp"

namespace xiaozhi::simulator {

namespace {

double ms(std::uint64_t micros) {
    return static_cast<double>(micros) / 1000.0;
}

nlohmann::ordered_json latency_json(const LatencyHistogram& histogram) {
    return {{"count", histogram.count()},
            {"p50", ms(histogram.percentile(50))},
            {"p90", ms(histogram.percentile(90))},
            {"p99", ms(histogram.percentile(99))},
            {"p99_9", ms(histogram.percentile(99.9))},
            {"max", ms(histogram.max())},
            {"mean", histogram.mean() / 1000.0}};
}

double error_percent(const RunFigures& figures, bool with_ota) {
    const auto operations = figures.operations(with_ota);
    if (operations == 0) return figures[Counter::errors] ? 100.0 : 0.0;
    return 100.0 * static_cast<double>(figures[Counter::errors]) / static_cast<double>(operations);
}

}  // namespace

SloInputs slo_inputs(const RunResult& result, bool with_ota) {
    SloInputs inputs;
    for (std::size_t i = 0; i < kLatencyCount; ++i) {
        inputs.latencies.emplace(std::string(kLatencyNames[i]), result.figures.latencies[i]);
    }
    inputs.errors = result.figures[Counter::errors];
    inputs.operations = result.figures.operations(with_ota);
    return inputs;
}

std::vector<SloCheck> check_slos(const std::vector<Slo>& slos, const RunResult& result,
                                 bool with_ota) {
    const SloInputs inputs = slo_inputs(result, with_ota);
    std::vector<SloCheck> checks;
    for (const Slo& slo : slos) checks.push_back({slo, evaluate_slo(slo, inputs)});
    return checks;
}

nlohmann::ordered_json report_json(const SimulationOptions& options, const RunResult& result,
                                   const std::vector<SloCheck>& checks) {
    const RunFigures& f = result.figures;
    const bool with_ota = !options.ota_url.empty();
    nlohmann::ordered_json report;
    report["run"] = {{"ota_url", options.ota_url},
                     {"ws_url", options.ws_url},
                     {"devices", options.devices},
                     {"turns_per_device", options.turns},
                     {"idle", options.idle},
                     {"duration_ms", options.duration.count()},
                     {"ramp_ms", options.ramp.count()},
                     {"rate", options.rate},
                     {"mode", std::string(protocol::listen_mode_name(options.mode))},
                     {"protocol", options.protocol ? static_cast<int>(*options.protocol) : 0},
                     {"seed", options.seed},
                     {"abort_rate", options.abort_rate},
                     {"verify_audio", options.verify_audio},
                     {"ca_file", options.ca_file},
                     {"insecure", options.insecure},
                     {"wall_time_ms", result.wall_time.count()},
                     {"interrupted", result.interrupted}};
    report["devices"] = {
        {"started", f[Counter::devices_started]}, {"ota_ok", f[Counter::ota_ok]},
        {"connected", f[Counter::connected]},     {"hello_ok", f[Counter::hello_ok]},
        {"finished", f[Counter::devices_done]},   {"failed", f[Counter::devices_failed]}};
    report["turns"] = {{"started", f[Counter::turns_started]},
                       {"completed", f[Counter::turns_completed]},
                       {"aborted", f[Counter::turns_aborted]}};
    report["frames"] = {{"sent", f[Counter::frames_sent]},
                        {"bytes_sent", f[Counter::bytes_sent]},
                        {"received", f[Counter::frames_received]},
                        {"bytes_received", f[Counter::bytes_received]},
                        {"text_received", f[Counter::text_received]},
                        {"bad", f[Counter::bad_frames]},
                        {"undecodable", f[Counter::undecodable_audio]}};
    report["echo"] = {{"echoed", f[Counter::frames_echoed]},
                      {"lost", f[Counter::frames_lost]},
                      {"reordered", f[Counter::frames_reordered]},
                      {"duplicated", f[Counter::frames_duplicated]},
                      {"unmatched", f[Counter::frames_unmatched]}};
    nlohmann::ordered_json latencies = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < kLatencyCount; ++i) {
        latencies[std::string(kLatencyNames[i])] = latency_json(f.latencies[i]);
    }
    report["latency_ms"] = latencies;
    nlohmann::ordered_json by_class = nlohmann::ordered_json::object();
    for (const auto& [name, count] : f.errors) by_class[name] = count;
    nlohmann::ordered_json reasons = nlohmann::ordered_json::object();
    for (const auto& [name, texts] : f.reasons) reasons[name] = texts;
    report["errors"] = {{"total", f[Counter::errors]},
                        {"operations", f.operations(with_ota)},
                        {"percent", error_percent(f, with_ota)},
                        {"by_class", by_class},
                        {"reasons", reasons}};
    nlohmann::ordered_json slos = nlohmann::ordered_json::array();
    for (const auto& check : checks) {
        slos.push_back({{"objective", check.slo.text},
                        {"met", check.outcome.met},
                        {"observed", check.outcome.observed_text}});
    }
    report["slo"] = slos;
    return report;
}

std::string summary_text(const RunResult& result, const std::vector<SloCheck>& checks,
                         bool with_ota) {
    const RunFigures& f = result.figures;
    std::string out;
    out += fmt::format(
        "devices   started {}  ota ok {}  connected {}  hello {}  finished {}  "
        "failed {}\n",
        f[Counter::devices_started], f[Counter::ota_ok], f[Counter::connected],
        f[Counter::hello_ok], f[Counter::devices_done], f[Counter::devices_failed]);
    out +=
        fmt::format("turns     started {}  completed {}  aborted {}\n", f[Counter::turns_started],
                    f[Counter::turns_completed], f[Counter::turns_aborted]);
    out += fmt::format(
        "frames    sent {} ({} bytes)  received {} ({} bytes)  bad {}  "
        "undecodable {}\n",
        f[Counter::frames_sent], f[Counter::bytes_sent], f[Counter::frames_received],
        f[Counter::bytes_received], f[Counter::bad_frames], f[Counter::undecodable_audio]);
    out += fmt::format("echo      echoed {}  lost {}  reordered {}  duplicated {}  unmatched {}\n",
                       f[Counter::frames_echoed], f[Counter::frames_lost],
                       f[Counter::frames_reordered], f[Counter::frames_duplicated],
                       f[Counter::frames_unmatched]);
    out += fmt::format("\n{:<16} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "latency (ms)", "count",
                       "p50", "p90", "p99", "p99.9", "max");
    for (std::size_t i = 0; i < kLatencyCount; ++i) {
        const LatencyHistogram& h = f.latencies[i];
        out += fmt::format("{:<16} {:>8} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f}\n",
                           kLatencyNames[i], h.count(), ms(h.percentile(50)), ms(h.percentile(90)),
                           ms(h.percentile(99)), ms(h.percentile(99.9)), ms(h.max()));
    }
    out += fmt::format("\nerrors    {} of {} operations ({:.3g}%)\n", f[Counter::errors],
                       f.operations(with_ota), error_percent(f, with_ota));
    for (const auto& [name, count] : f.errors) {
        const auto reasons = f.reasons.find(name);
        if (reasons == f.reasons.end()) {
            out += fmt::format("  {:<28} {}\n", name, count);
        } else {
            out +=
                fmt::format("  {:<28} {:<6} {}\n", name, count, fmt::join(reasons->second, "; "));
        }
    }
    if (!checks.empty()) out += "\n";
    for (const auto& check : checks) {
        out += fmt::format("slo       {:<28} {}  (observed {})\n", check.slo.text,
                           check.outcome.met ? "met" : "BREACHED", check.outcome.observed_text);
    }
    out += fmt::format("\nwall time {:.1f} s{}\n",
                       static_cast<double>(result.wall_time.count()) / 1000.0,
                       result.interrupted ? " (interrupted)" : "");
    return out;
}

}  // namespace xiaozhi::simulator
