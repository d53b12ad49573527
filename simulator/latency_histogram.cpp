// LatencyHistogram: bucket index arithmetic, recording, merging and percentiles.
#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace xiaozhi::simulator {

namespace {

constexpr int kSubBits = 5;
constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kSubBits;
constexpr int kMaxBits = 40;
constexpr std::uint64_t kMaxValue = std::uint64_t{1} << kMaxBits;
constexpr std::size_t kBucketCount = kSubBuckets + (kMaxBits - kSubBits + 1) * kSubBuckets;

std::size_t bucket_of(std::uint64_t value) {
    if (value < kSubBuckets) return static_cast<std::size_t>(value);
    const int exponent = std::bit_width(value) - 1;  // >= kSubBits
    const int shift = exponent - kSubBits;
    const std::uint64_t sub = (value >> shift) - kSubBuckets;
    return static_cast<std::size_t>(kSubBuckets + shift * kSubBuckets + sub);
}

std::uint64_t highest_value_of(std::size_t bucket) {
    if (bucket < kSubBuckets) return bucket;
    const std::uint64_t shift = (bucket - kSubBuckets) / kSubBuckets;
    const std::uint64_t sub = (bucket - kSubBuckets) % kSubBuckets;
    const std::uint64_t lowest = (kSubBuckets + sub) << shift;
    return lowest + (std::uint64_t{1} << shift) - 1;
}

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

void LatencyHistogram::record(std::uint64_t value_us) {
    const std::uint64_t value = std::min(value_us, kMaxValue);
    ++buckets_[bucket_of(value)];
    min_ = count_ ? std::min(min_, value) : value;
    max_ = std::max(max_, value);
    sum_ += value;
    ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    if (other.count_ == 0) return;
    for (std::size_t i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
    min_ = count_ ? std::min(min_, other.min_) : other.min_;
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
    count_ += other.count_;
}

std::uint64_t LatencyHistogram::percentile(double percentile) const {
    if (count_ == 0) return 0;
    const double clamped = std::clamp(percentile, 0.0, 100.0);
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(
               std::ceil(clamped / 100.0 * static_cast<double>(count_) - 1e-9)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBucketCount; ++i) {
        seen += buckets_[i];
        if (seen >= rank) return std::clamp(highest_value_of(i), min_, max_);
    }
    return max_;
}

}  // namespace xiaozhi::simulator
