// LatencyHistogram: bucket search on observe, cumulative counts on render.
#include "latency_histogram.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace xiaozhi::server {

void LatencyHistogram::observe(std::chrono::nanoseconds duration) {
    const auto nanoseconds = std::max<std::int64_t>(0, duration.count());
    const double seconds = static_cast<double>(nanoseconds) / 1e9;
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_nanoseconds_.fetch_add(static_cast<std::uint64_t>(nanoseconds), std::memory_order_relaxed);
}

void LatencyHistogram::render(std::string& out, const char* name, const char* help) const {
    out += fmt::format("# HELP xiaozhi_{} {}\n# TYPE xiaozhi_{} histogram\n", name, help, name);
    render_samples(out, name, "");
}

void LatencyHistogram::render_samples(std::string& out, const char* name,
                                      const std::string& labels) const {
    const std::string before_le = labels.empty() ? "" : labels + ",";
    const std::string braced = labels.empty() ? "" : "{" + labels + "}";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        cumulative += counts_[i].load(std::memory_order_relaxed);
        out += fmt::format("xiaozhi_{}_bucket{{{}le=\"{}\"}} {}\n", name, before_le, bounds[i],
                           cumulative);
    }
    cumulative += counts_[bounds.size()].load(std::memory_order_relaxed);
    out += fmt::format("xiaozhi_{}_bucket{{{}le=\"+Inf\"}} {}\n", name, before_le, cumulative);
    out += fmt::format("xiaozhi_{}_sum{} {}\n", name, braced,
                       static_cast<double>(sum_nanoseconds_.load(std::memory_order_relaxed)) / 1e9);
    out += fmt::format("xiaozhi_{}_count{} {}\n", name, braced, cumulative);
}

}  // namespace xiaozhi::server
