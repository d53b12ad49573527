// Service-level objectives given as --slo 'hello.p99<200ms' or 'errors<0.1%': parsing and checking.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "latency_histogram.hpp"

namespace xiaozhi::simulator {

enum class SloComparison { less, less_equal, greater, greater_equal };

// What an objective's number means.
enum class SloUnit {
    microseconds,  // a latency statistic; the text may say us, ms or s
    percent,       // errors as a share of operations
    count,         // errors as a number
};

// One objective: `<latency>.<statistic> <op> <number><us|ms|s>` with latency one of
// latency_names() and statistic p50, p90, p99, p99.9, max or mean; or
// `errors <op> <number>` (a count) or `errors <op> <number>%` (a share of operations).
struct Slo {
    std::string text;       // as given
    std::string metric;     // "hello", "errors"
    std::string statistic;  // "p99", "max", "mean"; empty for errors
    SloComparison comparison = SloComparison::less;
    double threshold = 0;  // in microseconds, percent or a count, per `unit`
    SloUnit unit = SloUnit::count;
};

// The latency names an objective may use, comma-separated, for messages and help.
std::string latency_names();

// Parses one objective; nullopt with `error` set ("unknown latency \"helo\" (one of ...)").
std::optional<Slo> parse_slo(std::string_view text, std::string& error);

// What a run measured, as the objectives read it.
struct SloInputs {
    std::map<std::string, LatencyHistogram> latencies;  // by latency name
    std::uint64_t errors = 0;
    std::uint64_t operations = 0;  // OTA requests, connection attempts and turns started
};

struct SloOutcome {
    bool met = false;
    std::optional<double> observed;  // in the objective's unit; nullopt when nothing was measured
    std::string observed_text;       // "183.2ms", "0.05%", "3", "no samples"
};

// Checks an objective. A latency with no samples does not meet its objective, as
// nothing shows it was met.
SloOutcome evaluate_slo(const Slo& slo, const SloInputs& inputs);

}  // namespace xiaozhi::simulator
