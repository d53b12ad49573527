// Slots of server.max_connections: every accepted TCP connection holds one until it closes.
#pragma once

#include <atomic>
#include <cstddef>
#include <limits>

namespace xiaozhi::server {

class ConnectionSlots;

// One held slot, released when destroyed; moves with the connection (HTTP, then a device
// session or an upgrade rejection). An empty slot holds nothing.
class ConnectionSlot {
  public:
    ConnectionSlot() = default;
    ConnectionSlot(ConnectionSlot&& other) noexcept;
    ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
    ConnectionSlot(const ConnectionSlot&) = delete;
    ConnectionSlot& operator=(const ConnectionSlot&) = delete;
    ~ConnectionSlot();

    explicit operator bool() const { return owner_ != nullptr; }

  private:
    friend class ConnectionSlots;
    explicit ConnectionSlot(ConnectionSlots* owner) : owner_(owner) {}
    void release();

    ConnectionSlots* owner_ = nullptr;
};

// Thread-safe; outlives every slot it hands out.
class ConnectionSlots {
  public:
    // A slot unless min(`limit`, the descriptor cap) are held already (then an empty one).
    ConnectionSlot try_acquire(std::size_t limit);
    std::size_t held() const { return held_.load(std::memory_order_relaxed); }

    // How many connections fit in the open-files limit (see raise_open_file_limit).
    void set_descriptor_cap(std::size_t cap) { cap_.store(cap, std::memory_order_relaxed); }
    // min(`limit`, the descriptor cap): what try_acquire admits.
    std::size_t effective_limit(std::size_t limit) const;

  private:
    friend class ConnectionSlot;

    std::atomic<std::size_t> held_{0};
    std::atomic<std::size_t> cap_{std::numeric_limits<std::size_t>::max()};
};

}  // namespace xiaozhi::server
