// One io_context per thread; connections are spread over them, so none needs a strand.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "connection_types.hpp"

namespace xiaozhi::server {

// `threads` io_contexts, each run by one thread: a connection whose socket uses
// next_executor() runs all its handlers on that one thread, in order, without the
// memory and the locking of a strand per connection.
class IoPool {
  public:
    explicit IoPool(int threads);
    ~IoPool();
    IoPool(const IoPool&) = delete;
    IoPool& operator=(const IoPool&) = delete;

    // The first context: listeners, signals and the server's own timers.
    boost::asio::io_context& main() { return *contexts_.front(); }
    // The executor for the next connection, round robin over the contexts.
    ConnectionExecutor next_executor();
    // Runs every context, the first in the calling thread; returns after stop().
    void run();
    // Stops every context (from any thread).
    void stop();

  private:
    using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<WorkGuard> work_;  // keeps a context without connections running
    std::atomic<std::size_t> next_{0};
};

}  // namespace xiaozhi::server
