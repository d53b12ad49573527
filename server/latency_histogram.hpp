// A Prometheus histogram of durations in seconds: fixed buckets, observed without a lock.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace xiaozhi::server {

class LatencyHistogram {
  public:
    // Upper bounds in seconds, 100 µs to 10 s; a longer duration counts in +Inf only.
    static constexpr std::array<double, 15> bounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                      0.005,  0.01,    0.025,  0.05,  0.1,
                                                      0.25,   0.5,     1,      2.5,   10};

    void observe(std::chrono::nanoseconds duration);

    // `name`_bucket{le=...} (cumulative, +Inf last), `name`_sum and `name`_count with HELP
    // and TYPE, the name prefixed "xiaozhi_". The count is the buckets' total, so it always
    // equals the +Inf bucket.
    void render(std::string& out, const char* name, const char* help) const;
    // The same samples without HELP and TYPE, each with `labels` (`key="value"` pairs,
    // already escaped) before `le`: one series of a labeled histogram.
    void render_samples(std::string& out, const char* name, const std::string& labels) const;

  private:
    std::array<std::atomic<std::uint64_t>, bounds.size() + 1> counts_{};  // per bucket, +Inf last
    std::atomic<std::uint64_t> sum_nanoseconds_{0};
};

}  // namespace xiaozhi::server
