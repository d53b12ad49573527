// A device session's bounded queue of outgoing messages: text frames and reply packets by
// reference.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "conversation_backend.hpp"

namespace xiaozhi::server {

// A message waiting to be sent: a text frame, or packet `packet` of `reply` as a binary
// frame (the reply is shared, so queueing a packet copies no audio).
struct Outgoing {
    std::string text;
    std::shared_ptr<const Reply> reply;
    std::size_t packet = 0;

    bool is_audio() const { return reply != nullptr; }
};

// First in, first out, holding at most `limit` messages: a peer that does not read
// fills it, and the session closes it instead of growing. The storage is a vector
// consumed from the front and compacted now and then, given back when drained idle.
class SendQueue {
  public:
    explicit SendQueue(std::size_t limit) : limit_(limit) {}

    // Queues `item`; false, leaving the queue as it was, when `limit` messages wait already.
    bool push(Outgoing item);
    // The oldest message, removed. The queue must not be empty.
    Outgoing pop();
    // Removes every queued reply packet, keeping the texts in order (abort).
    void drop_audio();
    // Removes everything and gives the storage back.
    void clear();
    // Gives the storage back if nothing waits (a session going idle).
    void release_if_empty();

    std::size_t size() const { return items_.size() - head_; }
    bool empty() const { return size() == 0; }
    std::size_t limit() const { return limit_; }
    std::size_t capacity() const { return items_.capacity(); }

  private:
    std::size_t limit_;
    std::vector<Outgoing> items_;
    std::size_t head_ = 0;  // index of the oldest message in items_
};

}  // namespace xiaozhi::server
