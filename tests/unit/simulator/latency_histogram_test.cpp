// Tests of the log-linear latency histogram: exact small values, bounded error, merging.
#include <catch2/catch.hpp>

#include "latency_histogram.hpp"

using xiaozhi::simulator::LatencyHistogram;

TEST_CASE("an empty histogram reports zeros", "[histogram]") {
    LatencyHistogram histogram;
    CHECK(histogram.count() == 0);
    CHECK(histogram.percentile(99) == 0);
    CHECK(histogram.max() == 0);
    CHECK(histogram.mean() == 0.0);
}

TEST_CASE("values below 32 are exact", "[histogram]") {
    LatencyHistogram histogram;
    for (std::uint64_t v = 1; v <= 10; ++v) histogram.record(v);
    CHECK(histogram.percentile(50) == 5);
    CHECK(histogram.percentile(90) == 9);
    CHECK(histogram.percentile(91) == 10);
    CHECK(histogram.percentile(100) == 10);
    CHECK(histogram.min() == 1);
    CHECK(histogram.mean() == Approx(5.5));
}

TEST_CASE("percentiles of 1..100000 are within 1/32 above the true value", "[histogram]") {
    LatencyHistogram histogram;
    for (std::uint64_t v = 1; v <= 100000; ++v) histogram.record(v);
    for (double p : {50.0, 90.0, 99.0, 99.9}) {
        const auto truth = static_cast<std::uint64_t>(p * 1000);
        const auto reported = histogram.percentile(p);
        INFO("p" << p << " reported " << reported);
        CHECK(reported >= truth);
        CHECK(static_cast<double>(reported) <= static_cast<double>(truth) * (1.0 + 1.0 / 32));
    }
    CHECK(histogram.percentile(100) == 100000);
    CHECK(histogram.max() == 100000);
}

TEST_CASE("one slow sample in a thousand shows at p99.9 but not at p99", "[histogram]") {
    LatencyHistogram histogram;
    for (int i = 0; i < 999; ++i) histogram.record(1000);
    histogram.record(5'000'000);
    CHECK(histogram.percentile(99) <= 1031);
    CHECK(histogram.percentile(99.9) <= 1031);
    CHECK(histogram.percentile(99.95) == 5'000'000);
    CHECK(histogram.max() == 5'000'000);
}

TEST_CASE("merged histograms equal one fed with every value", "[histogram]") {
    LatencyHistogram a;
    LatencyHistogram b;
    LatencyHistogram all;
    for (std::uint64_t v = 0; v < 5000; v += 7) {
        (v % 2 ? a : b).record(v * 13);
        all.record(v * 13);
    }
    a.merge(b);
    CHECK(a.count() == all.count());
    CHECK(a.min() == all.min());
    CHECK(a.max() == all.max());
    CHECK(a.mean() == Approx(all.mean()));
    for (double p : {1.0, 50.0, 99.0, 99.9}) CHECK(a.percentile(p) == all.percentile(p));
}

TEST_CASE("huge values are capped instead of overflowing", "[histogram]") {
    LatencyHistogram histogram;
    histogram.record(~std::uint64_t{0});
    CHECK(histogram.max() == std::uint64_t{1} << 40);
    CHECK(histogram.percentile(50) == std::uint64_t{1} << 40);
}
