// The live device sessions, closed together at shutdown, and the connection slots of
// server.max_connections that every accepted connection holds.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "connection_slots.hpp"

namespace xiaozhi::server {

// A session as the registry sees it.
class ClosableSession {
  public:
    virtual ~ClosableSession() = default;
    // Closes the WebSocket with 1001 (going away) from the session's own executor.
    virtual void close_going_away() = 0;
};

class SessionRegistry {
  public:
    // Registers a session unless `limit` sessions are registered already; returns its
    // id, or 0 when the limit is reached (the caller answers 503).
    std::uint64_t add(const std::weak_ptr<ClosableSession>& session, std::size_t limit);
    void remove(std::uint64_t id);
    std::size_t size() const;
    // Asks every live session to close with 1001.
    void close_all();

    // Held by every accepted TCP connection, HTTP or WebSocket, until it closes.
    ConnectionSlots& connections() { return connections_; }

  private:
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::weak_ptr<ClosableSession>> sessions_;
    ConnectionSlots connections_;
};

}  // namespace xiaozhi::server
