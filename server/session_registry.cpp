// SessionRegistry: a mutex-guarded map of weak session pointers.
#include "session_registry.hpp"

#include <vector>

namespace xiaozhi::server {

std::uint64_t SessionRegistry::add(const std::weak_ptr<ClosableSession>& session,
                                   std::size_t limit) {
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= limit) return 0;
    const std::uint64_t id = next_id_++;
    sessions_.emplace(id, session);
    return id;
}

void SessionRegistry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
}

std::size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

void SessionRegistry::close_all() {
    std::vector<std::shared_ptr<ClosableSession>> live;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, weak] : sessions_) {
            if (auto session = weak.lock()) live.push_back(std::move(session));
        }
    }
    for (const auto& session : live) session->close_going_away();
}

}  // namespace xiaozhi::server
