// The relay's active health check: every upstream.health_interval, one probe per listed upstream.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "relay/upstream_pool.hpp"
#include "running_config.hpp"

namespace xiaozhi::server {

// Runs on `io` (the server's main context). Each round probes the listed upstreams with
// the settings in force (re-read every round, so a reload changes the interval and the kind),
// records each outcome in the pool and expires drains (so a drained session is closed within
// one interval after upstream.drain_timeout).
class UpstreamHealthCheck {
  public:
    UpstreamHealthCheck(boost::asio::io_context& io, UpstreamPool& pool,
                        std::function<std::shared_ptr<const RunningConfig>()> current);

    // Starts the rounds; the first probes at once.
    void start();
    // Stops after the probes in flight.
    void stop();

  private:
    void round();
    void schedule(std::chrono::steady_clock::duration after);

    boost::asio::io_context& io_;
    UpstreamPool& pool_;
    std::function<std::shared_ptr<const RunningConfig>()> current_;
    boost::asio::steady_timer timer_;
    bool stopped_ = false;
};

}  // namespace xiaozhi::server
