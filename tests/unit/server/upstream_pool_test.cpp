// UpstreamPool: choice by load and health, reloads that keep state, drains, metrics.
#include <catch2/catch.hpp>

#include "deploy/url.hpp"
#include "relay/upstream_pool.hpp"

using namespace xiaozhi::server;

namespace {

UpstreamSettings listing(const std::vector<std::string>& urls, int drain_seconds = 60) {
    UpstreamSettings settings;
    for (const auto& url : urls)
        settings.websocket.push_back({url, *xiaozhi::deploy::parse_url(url), 1});
    settings.fall = 2;
    settings.rise = 1;
    settings.drain_timeout = std::chrono::seconds(drain_seconds);
    return settings;
}

struct CountingSession final : RelayedSession {
    int drained = 0;
    void close_drained() override { ++drained; }
};

constexpr const char* kA = "ws://10.0.0.1:8000/xiaozhi/v1/";
constexpr const char* kB = "ws://10.0.0.2:8000/xiaozhi/v1/";

}  // namespace

TEST_CASE("sessions go to the least loaded healthy upstream and are counted until released") {
    UpstreamPool pool;
    pool.configure(listing({kA, kB}));
    auto first = pool.acquire("d1", {}, {});
    auto second = pool.acquire("d2", {}, {});
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first.upstream().url() == kA);
    CHECK(second.upstream().url() == kB);
    first.release();
    CHECK(pool.acquire("d3", {}, {}).upstream().url() == kA);
}

TEST_CASE("an upstream is out after `fall` failures, skipped, and back after `rise` successes") {
    UpstreamPool pool;
    pool.configure(listing({kA, kB}));
    Upstream& a = *pool.listed().at(0);
    pool.record(a, false, "health");
    CHECK(pool.healthy_count() == 2);
    pool.record(a, false, "health");
    CHECK(pool.healthy_count() == 1);
    CHECK(pool.acquire("d", {}, {}).upstream().url() == kB);
    pool.record(a, true);
    CHECK(pool.healthy_count() == 2);
    std::string metrics;
    pool.render_prometheus(metrics);
    CHECK(metrics.find("xiaozhi_upstream_failures_total{upstream=\"" + std::string(kA) +
                       "\",class=\"health\"} 2") != std::string::npos);
}

TEST_CASE("upstreams already tried for a session are skipped, and none left is an empty lease") {
    UpstreamPool pool;
    pool.configure(listing({kA, kB}));
    auto first = pool.acquire("d", {}, {});
    auto second = pool.acquire("d", {first.get()}, {});
    REQUIRE(second);
    CHECK(second.upstream().url() == kB);
    CHECK_FALSE(pool.acquire("d", {first.get(), second.get()}, {}));
}

TEST_CASE("a reload keeps a known upstream's state and drains a removed one") {
    UpstreamPool pool;
    pool.configure(listing({kA, kB}, 0));
    auto session = std::make_shared<CountingSession>();
    auto on_a = pool.acquire("d", {}, session);
    REQUIRE(on_a.upstream().url() == kA);
    Upstream& b = *pool.listed().at(1);
    pool.record(b, false, "health");
    pool.record(b, false, "health");

    pool.configure(listing({kB}, 0));
    REQUIRE(pool.listed().size() == 1);
    CHECK(pool.healthy_count() == 0);  // kB kept its failures
    CHECK_FALSE(pool.acquire("d2", {}, {}));
    std::string metrics;
    pool.render_prometheus(metrics);
    CHECK(metrics.find("xiaozhi_upstream_sessions{upstream=\"" + std::string(kA) + "\"} 1") !=
          std::string::npos);

    pool.expire_drains(std::chrono::steady_clock::now() + std::chrono::seconds(1));
    CHECK(session->drained == 1);
    on_a.release();
    pool.expire_drains(std::chrono::steady_clock::now());
    metrics.clear();
    pool.render_prometheus(metrics);
    CHECK(metrics.find(kA) == std::string::npos);
}

TEST_CASE("a draining upstream listed again takes sessions again") {
    UpstreamPool pool;
    pool.configure(listing({kA}));
    auto held = pool.acquire("d", {}, {});
    pool.configure(listing({kB}));
    pool.configure(listing({kA, kB}));
    CHECK(pool.listed().size() == 2);
    CHECK(pool.acquire("d2", {}, {}).upstream().url() == kB);  // kA still has one session
}
