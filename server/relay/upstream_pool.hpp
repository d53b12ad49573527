// The relay backend's upstream conversation servers: health, load, draining, the choice of one
// for a device, and their metrics.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "latency_histogram.hpp"
#include "metrics.hpp"
#include "relay/upstream_health.hpp"
#include "settings.hpp"

namespace xiaozhi::server {

using UpstreamTarget = UpstreamSettings::UpstreamTarget;

// A relayed session as its upstream's drain sees it.
class RelayedSession {
  public:
    virtual ~RelayedSession() = default;
    // Closes the device (1001) and the upstream, from the session's own executor: its
    // upstream was removed from the list and the drain timeout passed.
    virtual void close_drained() = 0;
};

// One upstream WebSocket server. Shared by the pool and the sessions relayed to it; the
// counters are updated without a lock on the frame path.
class Upstream {
  public:
    Upstream(UpstreamTarget target, int fall, int rise);

    const UpstreamTarget& target() const { return target_; }
    const std::string& url() const { return target_.url; }

    std::atomic<std::uint64_t> frames_up{0};  // device -> upstream
    std::atomic<std::uint64_t> frames_down{0};
    std::atomic<std::uint64_t> bytes_up{0};
    std::atomic<std::uint64_t> bytes_down{0};
    // "connect" (TCP, TLS or upgrade failed), "refused" (the upgrade answered 4xx), "lost"
    // (closed without a close frame mid-session), "health" (an active check failed).
    LabeledCounter failures;
    LatencyHistogram connect_latency;  // the session's start of the connect -> upgraded

  private:
    friend class UpstreamPool;

    UpstreamTarget target_;
    // Guarded by the pool's mutex.
    relay::UpstreamHealth health_;
    std::size_t active_ = 0;
    bool draining_ = false;
    std::chrono::steady_clock::time_point drain_deadline_{};
    std::uint64_t next_session_ = 1;
    std::unordered_map<std::uint64_t, std::weak_ptr<RelayedSession>> sessions_;
};

// A session's hold on its upstream: counted as active from acquire until destroyed.
class UpstreamLease {
  public:
    UpstreamLease() = default;
    UpstreamLease(class UpstreamPool* pool, std::shared_ptr<Upstream> upstream, std::uint64_t id)
        : pool_(pool), upstream_(std::move(upstream)), id_(id) {}
    UpstreamLease(UpstreamLease&& other) noexcept;
    UpstreamLease& operator=(UpstreamLease&& other) noexcept;
    UpstreamLease(const UpstreamLease&) = delete;
    UpstreamLease& operator=(const UpstreamLease&) = delete;
    ~UpstreamLease() { release(); }

    explicit operator bool() const { return upstream_ != nullptr; }
    Upstream& upstream() const { return *upstream_; }
    const Upstream* get() const { return upstream_.get(); }
    // Ends the hold now (the session moves to another upstream).
    void release();

  private:
    class UpstreamPool* pool_ = nullptr;
    std::shared_ptr<Upstream> upstream_;
    std::uint64_t id_ = 0;
};

// Thread-safe: sessions on every io thread acquire and report, the health check and
// reloads run on the main thread.
class UpstreamPool {
  public:
    // Takes the list of `settings` (throws std::runtime_error, changing nothing, when
    // upstream.ca cannot be used): an upstream already known (same URL) keeps its health and
    // sessions and takes the new weight; a new one starts healthy; one no longer listed
    // drains (no new sessions; its sessions are closed after drain_timeout). An upstream
    // listed again while draining is back.
    void configure(const UpstreamSettings& settings);

    // The upstream for a device, counted as one more active session of it, or an empty
    // lease when no listed upstream is healthy and not in `tried`.
    UpstreamLease acquire(std::string_view device_id, const std::vector<const Upstream*>& tried,
                          const std::weak_ptr<RelayedSession>& session);

    // An active check's or a session's outcome for `upstream`; a failure names its class
    // (see Upstream::failures) and what happened. Health changes are logged.
    void record(Upstream& upstream, bool success, const char* failure = "",
                std::string_view detail = {});

    // The client context of wss:// and https:// upstreams (upstream.ca or the system trust
    // store), null when none is listed.
    std::shared_ptr<boost::asio::ssl::context> tls_context() const;

    // A client context trusting what `settings` say, or null when nothing asks for one (no
    // upstream.ca, no wss:// upstream, no https:// upstream.ota); throws std::runtime_error
    // naming upstream.ca's file when it cannot be used.
    static std::shared_ptr<boost::asio::ssl::context> trust_for(const UpstreamSettings& settings);

    // The listed, not draining upstreams (what the health check probes).
    std::vector<std::shared_ptr<Upstream>> listed() const;
    bool any_healthy() const { return healthy_count() > 0; }
    // Listed upstreams that take new sessions.
    std::size_t healthy_count() const;
    bool empty() const;

    // Closes the sessions of upstreams whose drain timed out, and forgets drained upstreams
    // without sessions. Called now and then by the health check.
    void expire_drains(std::chrono::steady_clock::time_point now);

    // xiaozhi_upstream_* series: health, active sessions, frames and bytes, failures and
    // the connect latency, by upstream URL.
    void render_prometheus(std::string& out) const;

  private:
    friend class UpstreamLease;
    void release(Upstream& upstream, std::uint64_t id);

    mutable std::mutex mutex_;
    std::vector<std::shared_ptr<Upstream>> upstreams_;  // listed first, then draining
    bool sticky_ = false;
    int fall_ = 3;
    int rise_ = 2;
    std::chrono::seconds drain_timeout_{60};
    std::string ca_file_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace xiaozhi::server
