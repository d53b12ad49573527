// ConnectionSlots: one atomic count, raised by a compare-and-swap below the limit.
#include "connection_slots.hpp"

#include <algorithm>
#include <utility>

namespace xiaozhi::server {

ConnectionSlot::ConnectionSlot(ConnectionSlot&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)) {}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
    }
    return *this;
}

ConnectionSlot::~ConnectionSlot() {
    release();
}

void ConnectionSlot::release() {
    if (owner_ == nullptr) return;
    owner_->held_.fetch_sub(1, std::memory_order_relaxed);
    owner_ = nullptr;
}

std::size_t ConnectionSlots::effective_limit(std::size_t limit) const {
    return std::min(limit, cap_.load(std::memory_order_relaxed));
}

ConnectionSlot ConnectionSlots::try_acquire(std::size_t limit) {
    const std::size_t admitted = effective_limit(limit);
    std::size_t held = held_.load(std::memory_order_relaxed);
    do {
        if (held >= admitted) return {};
    } while (!held_.compare_exchange_weak(held, held + 1, std::memory_order_relaxed));
    return ConnectionSlot(this);
}

}  // namespace xiaozhi::server
