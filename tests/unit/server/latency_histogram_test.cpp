// LatencyHistogram's buckets and exposition; parse_process_stat on real and odd /proc text.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "latency_histogram.hpp"
#include "process_metrics.hpp"

using namespace xiaozhi::server;
using namespace std::chrono_literals;

TEST_CASE("a latency histogram counts cumulatively, +Inf and count equal", "[server][metrics]") {
    LatencyHistogram histogram;
    histogram.observe(50us);  // <= 0.0001
    histogram.observe(1ms);   // == 0.001: in le="0.001"
    histogram.observe(30ms);  // <= 0.05
    histogram.observe(20s);   // beyond 10: +Inf only
    histogram.observe(-5ms);  // a clock step back counts as 0
    std::string out;
    histogram.render(out, "demo_seconds", "A demo.");
    CHECK(out.rfind("# HELP xiaozhi_demo_seconds A demo.\n# TYPE xiaozhi_demo_seconds histogram\n",
                    0) == 0);
    CHECK(out.find("xiaozhi_demo_seconds_bucket{le=\"0.0001\"} 2\n") != std::string::npos);
    CHECK(out.find("xiaozhi_demo_seconds_bucket{le=\"0.001\"} 3\n") != std::string::npos);
    CHECK(out.find("xiaozhi_demo_seconds_bucket{le=\"0.025\"} 3\n") != std::string::npos);
    CHECK(out.find("xiaozhi_demo_seconds_bucket{le=\"0.05\"} 4\n") != std::string::npos);
    CHECK(out.find("xiaozhi_demo_seconds_bucket{le=\"10\"} 4\n") != std::string::npos);
    CHECK(out.find("xiaozhi_demo_seconds_bucket{le=\"+Inf\"} 5\n") != std::string::npos);
    CHECK(out.find("xiaozhi_demo_seconds_sum 20.03105\n") != std::string::npos);
    CHECK(out.find("xiaozhi_demo_seconds_count 5\n") != std::string::npos);
}

TEST_CASE("/proc/<pid>/stat is read past a command name with spaces and parentheses",
          "[server][metrics]") {
    const std::string text =
        "4242 (xia (o) zhi) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 75 0 0 20 0 3 0 "
        "123456 98765432 2048 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
    const auto stat = parse_process_stat(text);
    REQUIRE(stat);
    CHECK(stat->user_ticks == 250);
    CHECK(stat->system_ticks == 75);
    CHECK(stat->start_ticks == 123456);
    CHECK(stat->virtual_bytes == 98765432);
    CHECK(stat->resident_pages == 2048);
    CHECK_FALSE(parse_process_stat("4242 (cut short) S 1 2 3"));
    CHECK_FALSE(parse_process_stat("no parenthesis at all"));
    CHECK_FALSE(parse_process_stat(""));
}

TEST_CASE("this process's metrics carry the standard names", "[server][metrics]") {
    std::string out;
    render_process_metrics(out);
    for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                             "process_virtual_memory_bytes", "process_start_time_seconds",
                             "process_open_fds", "process_max_fds"}) {
        INFO(name);
        CHECK(out.find(std::string("\n") + name + " ") != std::string::npos);
    }
    REQUIRE(open_descriptor_count());
    CHECK(*open_descriptor_count() >= 3);
}
