// Objectives: the small grammar of --slo and their check against a run's figures.
#include "slo.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/duration_text.hpp"
#include "latency_kind.hpp"

namespace xiaozhi::simulator {

namespace {

constexpr std::string_view kStatistics[] = {"p50", "p90", "p99", "p99.9", "max", "mean"};

std::string_view trim(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

bool is_known_latency(std::string_view name) {
    return std::find(kLatencyNames.begin(), kLatencyNames.end(), name) != kLatencyNames.end();
}

bool is_known_statistic(std::string_view name) {
    return std::find(std::begin(kStatistics), std::end(kStatistics), name) != std::end(kStatistics);
}

// Splits "<left><op><right>" at the first comparison operator.
bool split_comparison(std::string_view text, std::string_view& left, SloComparison& comparison,
                      std::string_view& right) {
    const auto at = text.find_first_of("<>");
    if (at == std::string_view::npos) return false;
    const bool equal = at + 1 < text.size() && text[at + 1] == '=';
    if (text[at] == '<') {
        comparison = equal ? SloComparison::less_equal : SloComparison::less;
    } else {
        comparison = equal ? SloComparison::greater_equal : SloComparison::greater;
    }
    left = trim(text.substr(0, at));
    right = trim(text.substr(at + (equal ? 2 : 1)));
    return true;
}

bool compare(double observed, SloComparison comparison, double threshold) {
    switch (comparison) {
        case SloComparison::less:
            return observed < threshold;
        case SloComparison::less_equal:
            return observed <= threshold;
        case SloComparison::greater:
            return observed > threshold;
        case SloComparison::greater_equal:
            return observed >= threshold;
    }
    return false;
}

double statistic_of(const LatencyHistogram& histogram, std::string_view statistic) {
    if (statistic == "max") return static_cast<double>(histogram.max());
    if (statistic == "mean") return histogram.mean();
    if (statistic == "p50") return static_cast<double>(histogram.percentile(50));
    if (statistic == "p90") return static_cast<double>(histogram.percentile(90));
    if (statistic == "p99") return static_cast<double>(histogram.percentile(99));
    return static_cast<double>(histogram.percentile(99.9));
}

}  // namespace

std::string latency_names() {
    return fmt::format("{}", fmt::join(kLatencyNames, ", "));
}

std::optional<Slo> parse_slo(std::string_view text, std::string& error) {
    Slo slo;
    slo.text = std::string(text);
    std::string_view left;
    std::string_view right;
    if (!split_comparison(text, left, slo.comparison, right)) {
        error = fmt::format("objective \"{}\" has no comparison (<, <=, >, >=)", text);
        return std::nullopt;
    }
    std::string_view unit;
    const auto number = config::leading_number(right, unit);
    unit = trim(unit);
    if (!number) {
        error = fmt::format("objective \"{}\" has no number after the comparison", text);
        return std::nullopt;
    }
    if (left == "errors") {
        slo.metric = "errors";
        if (unit == "%") {
            slo.unit = SloUnit::percent;
        } else if (unit.empty()) {
            slo.unit = SloUnit::count;
        } else {
            error = fmt::format("objective \"{}\": errors take a count or a percentage, not \"{}\"",
                                text, unit);
            return std::nullopt;
        }
        slo.threshold = *number;
        return slo;
    }
    const auto dot = left.find('.');
    slo.metric = std::string(left.substr(0, dot));
    if (!is_known_latency(slo.metric)) {
        error = fmt::format("objective \"{}\": unknown measure \"{}\" (errors or one of {})", text,
                            slo.metric, latency_names());
        return std::nullopt;
    }
    if (dot == std::string_view::npos || !is_known_statistic(left.substr(dot + 1))) {
        error = fmt::format(
            "objective \"{}\": a latency needs a statistic: .p50, .p90, .p99, .p99.9, .max or "
            ".mean",
            text);
        return std::nullopt;
    }
    slo.statistic = std::string(left.substr(dot + 1));
    slo.unit = SloUnit::microseconds;
    if (unit == "us") {
        slo.threshold = *number;
    } else if (unit == "ms") {
        slo.threshold = *number * 1000.0;
    } else if (unit == "s") {
        slo.threshold = *number * 1e6;
    } else {
        error = fmt::format("objective \"{}\": a latency needs a unit: us, ms or s", text);
        return std::nullopt;
    }
    return slo;
}

SloOutcome evaluate_slo(const Slo& slo, const SloInputs& inputs) {
    SloOutcome outcome;
    if (slo.metric == "errors") {
        if (slo.unit == SloUnit::count) {
            outcome.observed = static_cast<double>(inputs.errors);
            outcome.observed_text = std::to_string(inputs.errors);
        } else {
            const double share = inputs.operations ? 100.0 * static_cast<double>(inputs.errors) /
                                                         static_cast<double>(inputs.operations)
                                                   : (inputs.errors ? 100.0 : 0.0);
            outcome.observed = share;
            outcome.observed_text = fmt::format("{:.3g}%", share);
        }
        outcome.met = compare(*outcome.observed, slo.comparison, slo.threshold);
        return outcome;
    }
    const auto found = inputs.latencies.find(slo.metric);
    if (found == inputs.latencies.end() || found->second.count() == 0) {
        outcome.observed_text = "no samples";
        return outcome;
    }
    outcome.observed = statistic_of(found->second, slo.statistic);
    outcome.observed_text = fmt::format("{:.1f}ms", *outcome.observed / 1000.0);
    outcome.met = compare(*outcome.observed, slo.comparison, slo.threshold);
    return outcome;
}

}  // namespace xiaozhi::simulator
