// What a run reports: the JSON of --report, the summary table, and the objectives' outcomes.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulation.hpp"
#include "slo.hpp"

namespace xiaozhi::simulator {

struct SloCheck {
    Slo slo;
    SloOutcome outcome;
};

// The objectives checked against a run's figures.
std::vector<SloCheck> check_slos(const std::vector<Slo>& slos, const RunResult& result,
                                 bool with_ota);

// The inputs objectives read from a run.
SloInputs slo_inputs(const RunResult& result, bool with_ota);

// The report: "run" (options and wall time), "devices", "turns", "frames", "latency_ms"
// (per latency: count, p50, p90, p99, p99_9, max, mean in ms), "errors" (total, share of
// operations in percent, by_class, and reasons: the first distinct reasons of the classes that
// have one, such as tls_certificate) and "slo" (each objective, whether met, observed value).
nlohmann::ordered_json report_json(const SimulationOptions& options, const RunResult& result,
                                   const std::vector<SloCheck>& checks);

// The summary table for a person, several lines ending in a newline.
std::string summary_text(const RunResult& result, const std::vector<SloCheck>& checks,
                         bool with_ota);

}  // namespace xiaozhi::simulator
