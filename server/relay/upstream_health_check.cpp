// UpstreamHealthCheck: the round timer and one probe per listed upstream.
#include "relay/upstream_health_check.hpp"

#include <algorithm>

#include "relay/upstream_probe.hpp"

namespace xiaozhi::server {

namespace {

// How often drains are checked while the backend is not relay.
constexpr std::chrono::seconds kDrainCheck{1};

}  // namespace

UpstreamHealthCheck::UpstreamHealthCheck(
    boost::asio::io_context& io, UpstreamPool& pool,
    std::function<std::shared_ptr<const RunningConfig>()> current)
    : io_(io), pool_(pool), current_(std::move(current)), timer_(io) {}

void UpstreamHealthCheck::start() {
    schedule(std::chrono::seconds(0));
}

void UpstreamHealthCheck::stop() {
    stopped_ = true;
    timer_.cancel();
}

void UpstreamHealthCheck::schedule(std::chrono::steady_clock::duration after) {
    if (stopped_) return;
    timer_.expires_after(after);
    timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec && !stopped_) round();
    });
}

void UpstreamHealthCheck::round() {
    const auto running = current_();
    const ServerSettings& settings = running->settings;
    pool_.expire_drains(std::chrono::steady_clock::now());
    if (settings.backend != ServerSettings::Backend::relay) {
        schedule(kDrainCheck);
        return;
    }
    const UpstreamSettings& upstream = settings.upstream;
    const auto timeout = std::min<std::chrono::steady_clock::duration>(upstream.health_interval,
                                                                       upstream.connect_timeout);
    for (const auto& member : pool_.listed()) {
        probe_upstream(io_, member->target().parsed, upstream.health, upstream.auth_key,
                       pool_.tls_context(), timeout, [this, member](ProbeResult result) {
                           pool_.record(*member, result.ok, "health", result.error);
                       });
    }
    schedule(upstream.health_interval);
}

}  // namespace xiaozhi::server
