// A log-linear latency histogram (microseconds) with percentiles, mergeable across threads.
#pragma once

#include <cstdint>
#include <vector>

namespace xiaozhi::simulator {

// Values below 32 are kept exactly; above, each power of two is split into 32 equal
// buckets, so a reported percentile is at most 1/32 (about 3 %) above the true value
// and never below it. Values above 2^40 us (about 12 days) count as 2^40.
class LatencyHistogram {
  public:
    LatencyHistogram();

    void record(std::uint64_t value_us);
    void merge(const LatencyHistogram& other);

    std::uint64_t count() const { return count_; }
    std::uint64_t min() const { return count_ ? min_ : 0; }
    std::uint64_t max() const { return max_; }
    double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }

    // The value at `percentile` (0..100): the highest value of the bucket that holds
    // the ceil(percentile / 100 * count)-th smallest sample, capped at max(). 0 when empty.
    std::uint64_t percentile(double percentile) const;

  private:
    std::vector<std::uint64_t> buckets_;
    std::uint64_t count_ = 0;
    std::uint64_t sum_ = 0;
    std::uint64_t min_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace xiaozhi::simulator
