// SendQueue: a bounded FIFO over a vector with a moving head.
#include "send_queue.hpp"

#include <algorithm>
#include <iterator>

namespace xiaozhi::server {

bool SendQueue::push(Outgoing item) {
    if (size() >= limit_) return false;
    items_.push_back(std::move(item));
    return true;
}

Outgoing SendQueue::pop() {
    Outgoing item = std::move(items_[head_]);
    ++head_;
    if (head_ == items_.size()) {
        items_.clear();
        head_ = 0;
    } else if (head_ >= 16 && head_ * 2 >= items_.size()) {
        items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
    return item;
}

void SendQueue::drop_audio() {
    const auto first = items_.begin() + static_cast<std::ptrdiff_t>(head_);
    items_.erase(
        std::remove_if(first, items_.end(), [](const Outgoing& item) { return item.is_audio(); }),
        items_.end());
    if (head_ == items_.size()) {
        items_.clear();
        head_ = 0;
    }
}

void SendQueue::clear() {
    std::vector<Outgoing>().swap(items_);
    head_ = 0;
}

void SendQueue::release_if_empty() {
    if (empty()) clear();
}

}  // namespace xiaozhi::server
