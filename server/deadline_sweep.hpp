// Deadlines without a timer each: one timer per io_context fires its connections' due deadlines.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/intrusive/list.hpp>

#include "connection_types.hpp"

namespace xiaozhi::server {

class DeadlineSweep;

// What a due deadline calls, on its io_context's thread, with the owner kept alive.
class DeadlineOwner {
  public:
    virtual void on_deadline() = 0;

  protected:
    ~DeadlineOwner() = default;
};

// A one-shot deadline of one connection. An armed deadline is a list node in its
// context's DeadlineSweep (about 50 bytes), where a timer of its own with a pending wait
// would hold about 200 for the minutes an idle session waits.
class SweptDeadline : public boost::intrusive::list_base_hook<> {
  public:
    explicit SweptDeadline(boost::asio::io_context& context);
    ~SweptDeadline();
    SweptDeadline(const SweptDeadline&) = delete;
    SweptDeadline& operator=(const SweptDeadline&) = delete;

    // Calls owner->on_deadline() once `due` has passed, unless cancelled or re-armed
    // first (re-arming replaces the due time). From the context's thread only.
    void arm(std::chrono::steady_clock::time_point due, std::weak_ptr<DeadlineOwner> owner);
    // From any thread.
    void cancel();

  private:
    friend class DeadlineSweep;

    DeadlineSweep& sweep_;
    std::chrono::steady_clock::time_point due_{};
    std::weak_ptr<DeadlineOwner> owner_;
};

// The io_context service behind SweptDeadline: one timer, set for the earliest armed
// deadline, at most one sweep of the armed list per kMinSweepSpacing (so a deadline
// fires up to that late when many fall due together).
class DeadlineSweep : public boost::asio::execution_context::service {
  public:
    static boost::asio::execution_context::id id;
    static constexpr std::chrono::milliseconds kMinSweepSpacing{100};

    explicit DeadlineSweep(boost::asio::io_context& context);

    // How many deadlines are armed (for tests).
    std::size_t armed() const;

  private:
    friend class SweptDeadline;
    using Clock = std::chrono::steady_clock;

    void shutdown() override;
    void arm(SweptDeadline& deadline);
    void remove(SweptDeadline& deadline);
    void schedule(Clock::time_point earliest);
    void on_timer(const boost::system::error_code& ec);

    mutable std::mutex mutex_;  // the list: a deadline may be destroyed on another thread
    boost::intrusive::list<SweptDeadline, boost::intrusive::constant_time_size<false>> armed_;
    ConnectionTimer timer_;
    bool waiting_ = false;
    Clock::time_point wakes_at_{};
    Clock::time_point last_sweep_{};
};

}  // namespace xiaozhi::server
