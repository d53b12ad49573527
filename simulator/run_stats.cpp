// RunStats: per-thread shards, live totals and the merge at the end of a run.
#include "run_stats.hpp"

#include <algorithm>

namespace xiaozhi::simulator {

namespace {

// The shard of the calling thread; threads that never bound one (tests, set-up) use shard 0.
thread_local std::size_t t_shard = 0;

// Adds `reason` to `kept` unless it is there already or kept is full.
void keep_reason(std::vector<std::string>& kept, const std::string& reason) {
    if (kept.size() >= kReasonsPerClass) return;
    if (std::find(kept.begin(), kept.end(), reason) != kept.end()) return;
    kept.push_back(reason);
}

}  // namespace

std::uint64_t RunFigures::operations(bool with_ota) const {
    const std::uint64_t started = (*this)[Counter::devices_started];
    return (with_ota ? 2 * started : started) + (*this)[Counter::turns_started];
}

RunStats::RunStats(std::size_t threads) {
    const std::size_t count = threads == 0 ? 1 : threads;
    for (std::size_t i = 0; i < count; ++i) shards_.push_back(std::make_unique<StatsShard>());
}

void RunStats::bind_thread(std::size_t index) {
    t_shard = index < shards_.size() ? index : 0;
}

StatsShard& RunStats::local() {
    return *shards_[t_shard < shards_.size() ? t_shard : 0];
}

void RunStats::add(Counter counter, std::uint64_t amount) {
    local().counters[static_cast<std::size_t>(counter)].fetch_add(amount,
                                                                  std::memory_order_relaxed);
}

void RunStats::record(Latency latency, std::uint64_t microseconds) {
    local().latencies[static_cast<std::size_t>(latency)].record(microseconds);
}

void RunStats::error(const std::string& error_class, const std::string& reason) {
    StatsShard& shard = local();
    ++shard.errors[error_class];
    if (!reason.empty()) keep_reason(shard.reasons[error_class], reason);
    shard.counters[static_cast<std::size_t>(Counter::errors)].fetch_add(1,
                                                                        std::memory_order_relaxed);
}

std::uint64_t RunStats::total(Counter counter) const {
    std::uint64_t sum = 0;
    for (const auto& shard : shards_) {
        sum += shard->counters[static_cast<std::size_t>(counter)].load(std::memory_order_relaxed);
    }
    return sum;
}

RunFigures RunStats::merged() const {
    RunFigures figures;
    for (const auto& shard : shards_) {
        for (std::size_t i = 0; i < kCounterCount; ++i) {
            figures.counters[i] += shard->counters[i].load(std::memory_order_relaxed);
        }
        for (std::size_t i = 0; i < kLatencyCount; ++i) {
            figures.latencies[i].merge(shard->latencies[i]);
        }
        for (const auto& [name, count] : shard->errors) figures.errors[name] += count;
        for (const auto& [name, reasons] : shard->reasons) {
            for (const auto& reason : reasons) keep_reason(figures.reasons[name], reason);
        }
    }
    return figures;
}

}  // namespace xiaozhi::simulator
