// UpstreamPool: the list under one mutex, the choice through relay::choose_upstream, drains.
#include "relay/upstream_pool.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "log_event.hpp"
#include "prometheus_text.hpp"
#include "relay/upstream_choice.hpp"
#include "tls_client.hpp"

namespace xiaozhi::server {

Upstream::Upstream(UpstreamTarget target, int fall, int rise)
    : target_(std::move(target)), health_(fall, rise) {}

UpstreamLease::UpstreamLease(UpstreamLease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      upstream_(std::move(other.upstream_)),
      id_(std::exchange(other.id_, 0)) {}

UpstreamLease& UpstreamLease::operator=(UpstreamLease&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = std::exchange(other.pool_, nullptr);
        upstream_ = std::move(other.upstream_);
        id_ = std::exchange(other.id_, 0);
    }
    return *this;
}

void UpstreamLease::release() {
    if (pool_ != nullptr && upstream_) pool_->release(*upstream_, id_);
    pool_ = nullptr;
    upstream_.reset();
    id_ = 0;
}

void UpstreamPool::configure(const UpstreamSettings& settings) {
    std::shared_ptr<boost::asio::ssl::context> tls;
    {
        std::lock_guard lock(mutex_);
        tls = tls_;
        if (tls && ca_file_ != settings.ca) tls.reset();
    }
    if (!tls) tls = trust_for(settings);
    std::lock_guard lock(mutex_);
    ca_file_ = settings.ca;
    tls_ = std::move(tls);
    sticky_ = settings.sticky;
    fall_ = settings.fall;
    rise_ = settings.rise;
    drain_timeout_ = settings.drain_timeout;
    std::vector<std::shared_ptr<Upstream>> next;
    for (const UpstreamTarget& target : settings.websocket) {
        const auto known = std::find_if(upstreams_.begin(), upstreams_.end(),
                                        [&](const auto& u) { return u->url() == target.url; });
        if (known != upstreams_.end()) {
            auto upstream = *known;
            upstream->target_ = target;
            if (upstream->draining_) {
                upstream->draining_ = false;
                log_info("upstream_listed", "upstream listed again", {{"upstream", target.url}});
            }
            next.push_back(std::move(upstream));
            upstreams_.erase(known);
            continue;
        }
        log_info("upstream_added", "upstream added",
                 {{"upstream", target.url}, {"weight", target.weight}});
        next.push_back(std::make_shared<Upstream>(target, fall_, rise_));
    }
    const auto now = std::chrono::steady_clock::now();
    for (auto& removed : upstreams_) {
        if (!removed->draining_) {
            removed->draining_ = true;
            removed->drain_deadline_ = now + drain_timeout_;
            log_info("upstream_draining", "upstream removed, draining",
                     {{"upstream", removed->url()},
                      {"sessions", removed->active_},
                      {"drain_timeout_s", static_cast<std::int64_t>(drain_timeout_.count())}});
        }
        if (removed->active_ > 0) next.push_back(std::move(removed));
    }
    upstreams_ = std::move(next);
}

UpstreamLease UpstreamPool::acquire(std::string_view device_id,
                                    const std::vector<const Upstream*>& tried,
                                    const std::weak_ptr<RelayedSession>& session) {
    std::lock_guard lock(mutex_);
    std::vector<relay::UpstreamView> views;
    std::vector<std::size_t> excluded;
    views.reserve(upstreams_.size());
    for (std::size_t i = 0; i < upstreams_.size(); ++i) {
        const Upstream& u = *upstreams_[i];
        views.push_back({u.url(), u.target_.weight, u.health_.healthy(), u.draining_, u.active_});
        if (std::find(tried.begin(), tried.end(), &u) != tried.end()) excluded.push_back(i);
    }
    const auto chosen = relay::choose_upstream(views, device_id, sticky_, excluded);
    if (!chosen) return {};
    const std::shared_ptr<Upstream>& upstream = upstreams_[*chosen];
    ++upstream->active_;
    const std::uint64_t id = upstream->next_session_++;
    upstream->sessions_.emplace(id, session);
    return UpstreamLease(this, upstream, id);
}

void UpstreamPool::release(Upstream& upstream, std::uint64_t id) {
    std::lock_guard lock(mutex_);
    if (upstream.active_ > 0) --upstream.active_;
    upstream.sessions_.erase(id);
}

void UpstreamPool::record(Upstream& upstream, bool success, const char* failure,
                          std::string_view detail) {
    if (!success) upstream.failures.add(failure);
    std::lock_guard lock(mutex_);
    const int failures_before = upstream.health_.consecutive_failures();
    if (!upstream.health_.record(success)) return;
    if (upstream.health_.healthy()) {
        log_info("upstream_up", "upstream healthy", {{"upstream", upstream.url()}});
    } else {
        log_warn("upstream_down", "upstream unhealthy",
                 {{"upstream", upstream.url()},
                  {"failures", failures_before + 1},
                  {"last_failure", failure},
                  {"error", detail}});
    }
}

std::shared_ptr<boost::asio::ssl::context> UpstreamPool::trust_for(
    const UpstreamSettings& settings) {
    const bool needed =
        !settings.ca.empty() ||
        std::any_of(settings.websocket.begin(), settings.websocket.end(),
                    [](const UpstreamTarget& target) { return target.parsed.scheme == "wss"; }) ||
        (settings.ota_parsed && settings.ota_parsed->scheme == "https");
    if (!needed) return nullptr;
    try {
        return std::make_shared<boost::asio::ssl::context>(
            client::make_tls_client_context(client::TlsTrust{settings.ca, false}));
    } catch (const std::runtime_error& error) {
        throw std::runtime_error(std::string("upstream.ca: ") + error.what());
    }
}

std::shared_ptr<boost::asio::ssl::context> UpstreamPool::tls_context() const {
    std::lock_guard lock(mutex_);
    return tls_;
}

std::vector<std::shared_ptr<Upstream>> UpstreamPool::listed() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Upstream>> out;
    for (const auto& upstream : upstreams_) {
        if (!upstream->draining_) out.push_back(upstream);
    }
    return out;
}

std::size_t UpstreamPool::healthy_count() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(
        upstreams_.begin(), upstreams_.end(),
        [](const auto& upstream) { return !upstream->draining_ && upstream->health_.healthy(); }));
}

bool UpstreamPool::empty() const {
    std::lock_guard lock(mutex_);
    return upstreams_.empty();
}

void UpstreamPool::expire_drains(std::chrono::steady_clock::time_point now) {
    std::vector<std::shared_ptr<RelayedSession>> to_close;
    {
        std::lock_guard lock(mutex_);
        std::erase_if(upstreams_, [](const auto& upstream) {
            return upstream->draining_ && upstream->active_ == 0;
        });
        for (auto& upstream : upstreams_) {
            if (!upstream->draining_ || now < upstream->drain_deadline_) continue;
            for (const auto& [id, weak] : upstream->sessions_) {
                if (auto session = weak.lock()) to_close.push_back(std::move(session));
            }
            if (!to_close.empty()) {
                log_info("upstream_drain_timeout", "drain timed out, closing sessions",
                         {{"upstream", upstream->url()}, {"sessions", to_close.size()}});
            }
        }
    }
    for (const auto& session : to_close) session->close_drained();
}

void UpstreamPool::render_prometheus(std::string& out) const {
    std::vector<std::shared_ptr<Upstream>> all;
    std::vector<std::pair<bool, std::size_t>> states;  // healthy, active
    {
        std::lock_guard lock(mutex_);
        all = upstreams_;
        for (const auto& upstream : upstreams_) {
            states.emplace_back(!upstream->draining_ && upstream->health_.healthy(),
                                upstream->active_);
        }
    }
    std::vector<std::string> labels;
    for (const auto& upstream : all) {
        labels.push_back("upstream=\"" + prometheus_label_value(upstream->url()) + "\"");
    }
    write_metric_header(out, "upstream_healthy", "gauge",
                        "1 when the relay sends new sessions to the upstream.");
    for (std::size_t i = 0; i < all.size(); ++i) {
        out +=
            fmt::format("xiaozhi_upstream_healthy{{{}}} {}\n", labels[i], states[i].first ? 1 : 0);
    }
    write_metric_header(out, "upstream_sessions", "gauge", "Device sessions relayed now.");
    for (std::size_t i = 0; i < all.size(); ++i) {
        out += fmt::format("xiaozhi_upstream_sessions{{{}}} {}\n", labels[i], states[i].second);
    }
    const auto counter = [&](const char* name, const char* help,
                             std::atomic<std::uint64_t> Upstream::*field) {
        write_metric_header(out, name, "counter", help);
        for (std::size_t i = 0; i < all.size(); ++i) {
            out += fmt::format("xiaozhi_{}{{{}}} {}\n", name, labels[i],
                               ((*all[i]).*field).load(std::memory_order_relaxed));
        }
    };
    counter("upstream_frames_up_total", "Messages relayed from devices to the upstream.",
            &Upstream::frames_up);
    counter("upstream_frames_down_total", "Messages relayed from the upstream to devices.",
            &Upstream::frames_down);
    counter("upstream_bytes_up_total", "Message bytes relayed from devices to the upstream.",
            &Upstream::bytes_up);
    counter("upstream_bytes_down_total", "Message bytes relayed from the upstream to devices.",
            &Upstream::bytes_down);
    write_metric_header(out, "upstream_failures_total", "counter",
                        "Upstream failures by class: connect, refused, lost, health.");
    for (std::size_t i = 0; i < all.size(); ++i) {
        for (const auto& [kind, count] : all[i]->failures.values()) {
            out += fmt::format("xiaozhi_upstream_failures_total{{{},class=\"{}\"}} {}\n", labels[i],
                               kind, count);
        }
    }
    write_metric_header(out, "upstream_connect_seconds", "histogram",
                        "Time from a session's upstream connect to its upgrade answer.");
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i]->connect_latency.render_samples(out, "upstream_connect_seconds", labels[i]);
    }
}

}  // namespace xiaozhi::server
