// eventually: polls a condition until it holds or a deadline passes (tests of things that settle).
#pragma once

#include <chrono>
#include <thread>

namespace xiaozhi::testing {

// Polls `condition` every 100 ms for up to `timeout_ms`; its last answer.
template <typename Condition>
bool eventually(Condition condition, int timeout_ms) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return condition();
}

}  // namespace xiaozhi::testing
