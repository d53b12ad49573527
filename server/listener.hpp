// The accept loop of one bound listener: connections go round robin to the pool's contexts.
#pragma once

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

    void start();
    // Stops accepting and closes the socket (from the listener's strand); open connections stay.
    void stop();

    const BoundListener& bound() const { return bound_; }

  private:
    void accept();

    BoundListener bound_;
    IoPool& pool_;
    const ServerServices& services_;
    HttpRoutes& routes_;
    boost::asio::strand<boost::asio::any_io_executor> strand_;
    boost::asio::steady_timer retry_timer_;  // after an accept error (e.g. out of descriptors)
};

}  // namespace xiaozhi::server
