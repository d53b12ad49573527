// The accept loop of one bound listener: connections go round robin to the pool's contexts.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "http_connection.hpp"
#include "io_pool.hpp"
#include "port_binding.hpp"

namespace xiaozhi::server {

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(BoundListener bound, IoPool& pool, const ServerServices& services, HttpRoutes& routes);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    void start();
    // Stops accepting and closes the socket (from the listener's strand); open connections stay.
    void stop();

    const BoundListener& bound() const { return bound_; }

  private:
    // Counts events and says when a line about them is due: at most one per second.
    struct Throttle {
        bool due();
        std::uint64_t count = 0;  // since the last line
        std::chrono::steady_clock::time_point last{};
    };

    void accept();
    void on_accepted(ConnectionSocket socket);
    void on_accept_error(const boost::system::error_code& error);
    // Out of descriptors: frees the spare one, answers and closes the waiting connections
    // with it (a bounded number), takes the spare back. Returns how many it refused.
    int shed_waiting();

    BoundListener bound_;
    IoPool& pool_;
    const ServerServices& services_;
    HttpRoutes& routes_;
    boost::asio::strand<boost::asio::any_io_executor> strand_;
    boost::asio::steady_timer retry_timer_;  // after an accept error (e.g. out of descriptors)
    int spare_fd_ = -1;                      // /dev/null, given up to accept when out of them
    Throttle refusals_;
    Throttle failures_;
    std::uint64_t shed_unlogged_ = 0;  // refused by shed_waiting since the last line
};

}  // namespace xiaozhi::server
