// IoPool: the contexts, their threads, round-robin executors, and their teardown order.
#include "io_pool.hpp"

#include <algorithm>
#include <thread>

namespace xiaozhi::server {

IoPool::IoPool(int threads) {
    const auto count = static_cast<std::size_t>(std::max(1, threads));
    for (std::size_t i = 0; i < count; ++i) {
        contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
        work_.push_back(boost::asio::make_work_guard(*contexts_.back()));
    }
}

// The first context goes first: a pending accept there holds a socket of another context.
IoPool::~IoPool() {
    work_.clear();
    for (auto& context : contexts_) context.reset();
}

ConnectionExecutor IoPool::next_executor() {
    const std::size_t index = next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size();
    return contexts_[index]->get_executor();
}

void IoPool::run() {
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < contexts_.size(); ++i) {
        threads.emplace_back([context = contexts_[i].get()] { context->run(); });
    }
    contexts_.front()->run();
    for (auto& thread : threads) thread.join();
}

void IoPool::stop() {
    for (auto& context : contexts_) context->stop();
}

}  // namespace xiaozhi::server
