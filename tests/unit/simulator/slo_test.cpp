// Tests of --slo parsing and evaluation.
#include <catch2/catch.hpp>

#include "slo.hpp"

using namespace xiaozhi::simulator;

namespace {

Slo parsed(const std::string& text) {
    std::string error;
    auto slo = parse_slo(text, error);
    INFO(error);
    REQUIRE(slo);
    return *slo;
}

std::string parse_error(const std::string& text) {
    std::string error;
    CHECK_FALSE(parse_slo(text, error));
    return error;
}

SloInputs hello_latencies(std::uint64_t each_us, int count) {
    SloInputs inputs;
    auto& histogram = inputs.latencies["hello"];
    for (int i = 0; i < count; ++i) histogram.record(each_us);
    return inputs;
}

}  // namespace

TEST_CASE("latency objectives parse with their unit", "[slo]") {
    const Slo slo = parsed("hello.p99<200ms");
    CHECK(slo.metric == "hello");
    CHECK(slo.statistic == "p99");
    CHECK(slo.comparison == SloComparison::less);
    CHECK(slo.threshold == 200000.0);
    CHECK(slo.unit == SloUnit::microseconds);
    CHECK(parsed("first_reply.p99.9 <= 1.5s").threshold == 1500000.0);
    CHECK(parsed("first_reply.p99.9 <= 1.5s").statistic == "p99.9");
    CHECK(parsed("ota.max>=250us").comparison == SloComparison::greater_equal);
    CHECK(parsed("ota.max>=250us").threshold == 250.0);
}

TEST_CASE("error objectives take a count or a percentage", "[slo]") {
    const Slo share = parsed("errors<0.1%");
    CHECK(share.unit == SloUnit::percent);
    CHECK(share.threshold == Approx(0.1));
    const Slo count = parsed("errors <= 3");
    CHECK(count.unit == SloUnit::count);
    CHECK(count.comparison == SloComparison::less_equal);
}

TEST_CASE("malformed objectives say what is wrong", "[slo]") {
    CHECK_THAT(parse_error("hello.p99 200ms"), Catch::Contains("no comparison"));
    CHECK_THAT(parse_error("helo.p99<200ms"), Catch::Contains("unknown measure \"helo\""));
    CHECK_THAT(parse_error("helo.p99<200ms"), Catch::Contains("pacing_lateness, round_trip"));
    CHECK(parsed("round_trip.p99<1s").metric == "round_trip");
    CHECK_THAT(parse_error("hello<200ms"), Catch::Contains("needs a statistic"));
    CHECK_THAT(parse_error("hello.p98<200ms"), Catch::Contains("needs a statistic"));
    CHECK_THAT(parse_error("hello.p99<200"), Catch::Contains("needs a unit"));
    CHECK_THAT(parse_error("hello.p99<fast"), Catch::Contains("no number"));
    CHECK_THAT(parse_error("errors<1ms"), Catch::Contains("count or a percentage"));
}

TEST_CASE("a latency objective is met below its threshold and breached at it", "[slo]") {
    const Slo slo = parsed("hello.p99<200ms");
    const auto met = evaluate_slo(slo, hello_latencies(150000, 100));
    CHECK(met.met);
    REQUIRE(met.observed);
    CHECK(*met.observed >= 150000.0);
    CHECK(met.observed_text.find("ms") != std::string::npos);
    CHECK_FALSE(evaluate_slo(slo, hello_latencies(200000, 100)).met);
    CHECK(evaluate_slo(parsed("hello.p99<=200ms"), hello_latencies(200000, 100)).met);
}

TEST_CASE("a latency with no samples does not meet its objective", "[slo]") {
    const auto outcome = evaluate_slo(parsed("first_reply.p50<1s"), SloInputs{});
    CHECK_FALSE(outcome.met);
    CHECK_FALSE(outcome.observed);
    CHECK(outcome.observed_text == "no samples");
}

TEST_CASE("error shares are errors per operation", "[slo]") {
    SloInputs inputs;
    inputs.operations = 2000;
    inputs.errors = 1;  // 0.05 %
    CHECK(evaluate_slo(parsed("errors<0.1%"), inputs).met);
    inputs.errors = 2;  // 0.1 %
    CHECK_FALSE(evaluate_slo(parsed("errors<0.1%"), inputs).met);
    CHECK(evaluate_slo(parsed("errors<=2"), inputs).met);
    CHECK_FALSE(evaluate_slo(parsed("errors<2"), inputs).met);
    SloInputs nothing_done;
    nothing_done.errors = 1;
    CHECK_FALSE(evaluate_slo(parsed("errors<50%"), nothing_done).met);
}
