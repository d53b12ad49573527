// DeadlineSweep: the armed list, its one timer, and the sweep that fires what is due.
#include "deadline_sweep.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace xiaozhi::server {

boost::asio::execution_context::id DeadlineSweep::id;

SweptDeadline::SweptDeadline(boost::asio::io_context& context)
    : sweep_(boost::asio::use_service<DeadlineSweep>(context)) {}

SweptDeadline::~SweptDeadline() {
    cancel();
}

void SweptDeadline::arm(std::chrono::steady_clock::time_point due,
                        std::weak_ptr<DeadlineOwner> owner) {
    due_ = due;
    owner_ = std::move(owner);
    sweep_.arm(*this);
}

void SweptDeadline::cancel() {
    sweep_.remove(*this);
}

DeadlineSweep::DeadlineSweep(boost::asio::io_context& context)
    : boost::asio::execution_context::service(context), timer_(context.get_executor()) {}

std::size_t DeadlineSweep::armed() const {
    std::lock_guard lock(mutex_);
    return armed_.size();
}

void DeadlineSweep::shutdown() {
    std::lock_guard lock(mutex_);
    armed_.clear();
}

void DeadlineSweep::arm(SweptDeadline& deadline) {
    {
        std::lock_guard lock(mutex_);
        if (!deadline.is_linked()) armed_.push_back(deadline);
    }
    schedule(deadline.due_);
}

void DeadlineSweep::remove(SweptDeadline& deadline) {
    std::lock_guard lock(mutex_);
    if (deadline.is_linked()) armed_.erase(armed_.iterator_to(deadline));
}

// The timer moves only earlier; a sweep that finds nothing due just sets it again.
void DeadlineSweep::schedule(Clock::time_point earliest) {
    const Clock::time_point when = std::max(earliest, last_sweep_ + kMinSweepSpacing);
    if (waiting_ && when >= wakes_at_) return;
    waiting_ = true;
    wakes_at_ = when;
    timer_.expires_at(when);
    timer_.async_wait([this](const boost::system::error_code& ec) { on_timer(ec); });
}

void DeadlineSweep::on_timer(const boost::system::error_code& ec) {
    // Aborted: moved earlier (a newer wait is pending) or the context is shutting down.
    if (ec) return;
    waiting_ = false;
    last_sweep_ = Clock::now();
    std::vector<std::shared_ptr<DeadlineOwner>> due;
    Clock::time_point next = Clock::time_point::max();
    {
        std::lock_guard lock(mutex_);
        for (auto it = armed_.begin(); it != armed_.end();) {
            if (it->due_ > last_sweep_) {
                next = std::min(next, it->due_);
                ++it;
                continue;
            }
            // An owner already on its way out (last reference gone) is skipped.
            if (auto owner = it->owner_.lock()) due.push_back(std::move(owner));
            it = armed_.erase(it);
        }
    }
    if (next != Clock::time_point::max()) schedule(next);
    for (const auto& owner : due) owner->on_deadline();
}

}  // namespace xiaozhi::server
