// UpstreamHealth: out after `fall` failures in a row, back after `rise` successes in a row.
#include <catch2/catch.hpp>

#include "relay/upstream_health.hpp"

using xiaozhi::relay::UpstreamHealth;

TEST_CASE("health: an upstream starts healthy", "[relay][health]") {
    const UpstreamHealth health(3, 2);
    CHECK(health.healthy());
    CHECK(health.consecutive_failures() == 0);
    CHECK(health.consecutive_successes() == 0);
}

TEST_CASE("health: out after fall failures in a row, not before", "[relay][health]") {
    UpstreamHealth health(3, 2);
    CHECK_FALSE(health.record(false));
    CHECK_FALSE(health.record(false));
    CHECK(health.healthy());
    CHECK(health.consecutive_failures() == 2);
    CHECK(health.record(false));
    CHECK_FALSE(health.healthy());
    CHECK_FALSE(health.record(false));  // already out: no change
    CHECK(health.consecutive_failures() == 4);
}

TEST_CASE("health: a success breaks a run of failures", "[relay][health]") {
    UpstreamHealth health(3, 2);
    health.record(false);
    health.record(false);
    CHECK_FALSE(health.record(true));
    CHECK(health.consecutive_failures() == 0);
    health.record(false);
    health.record(false);
    CHECK(health.healthy());
}

TEST_CASE("health: back after rise successes in a row", "[relay][health]") {
    UpstreamHealth health(1, 2);
    CHECK(health.record(false));
    CHECK_FALSE(health.healthy());
    CHECK_FALSE(health.record(true));
    CHECK_FALSE(health.record(false));  // the run of successes starts again
    CHECK_FALSE(health.record(true));
    CHECK(health.consecutive_successes() == 1);
    CHECK(health.record(true));
    CHECK(health.healthy());
    CHECK(health.consecutive_successes() == 2);
}

TEST_CASE("health: thresholds below 1 count as 1", "[relay][health]") {
    UpstreamHealth health(0, -5);
    CHECK(health.record(false));
    CHECK_FALSE(health.healthy());
    CHECK(health.record(true));
    CHECK(health.healthy());
}
