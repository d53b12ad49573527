// run_simulation: one io_context per thread, the arrival schedule, signals and live progress.
#include "simulation.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "device_identity.hpp"
#include "simulated_device.hpp"

namespace xiaozhi::simulator {

namespace {

namespace asio = boost::asio;

using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;

// Starts the devices whose boot time has come, each on the io_context of its index (round
// robin over the threads), then waits for the next one on the first io_context.
class Launcher : public std::enable_shared_from_this<Launcher> {
  public:
    Launcher(std::vector<std::unique_ptr<asio::io_context>>& contexts,
             const SimulationContext& context, std::vector<std::chrono::microseconds> offsets,
             Clock::time_point start)
        : contexts_(contexts), context_(context), timer_(*contexts.front()), start_(start) {
        order_.resize(offsets.size());
        std::iota(order_.begin(), order_.end(), 0u);
        std::stable_sort(order_.begin(), order_.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return offsets[a] < offsets[b]; });
        offsets_ = std::move(offsets);
    }

    void next() {
        const auto now = Clock::now();
        while (position_ < order_.size()) {
            const std::uint32_t index = order_[position_];
            const auto due = start_ + offsets_[index];
            if (due > now) break;
            if (context_.turns_end && due >= *context_.turns_end) {
                position_ = order_.size();
                break;
            }
            start_device(*contexts_[index % contexts_.size()], context_, index, due);
            launched_.fetch_add(1, std::memory_order_relaxed);
            ++position_;
        }
        if (position_ >= order_.size() || stopped_) {
            all_launched_.store(true, std::memory_order_release);
            return;
        }
        timer_.expires_at(start_ + offsets_[order_[position_]]);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) self->next();
        });
    }

    void stop() {
        stopped_ = true;
        timer_.cancel();
    }

    // Whether every device that will boot has booted, and how many did (any thread).
    bool all_launched() const { return all_launched_.load(std::memory_order_acquire); }
    std::uint64_t launched() const { return launched_.load(std::memory_order_relaxed); }

  private:
    std::vector<std::unique_ptr<asio::io_context>>& contexts_;
    const SimulationContext& context_;
    asio::steady_timer timer_;
    Clock::time_point start_;
    std::vector<std::chrono::microseconds> offsets_;
    std::vector<std::uint32_t> order_;
    std::size_t position_ = 0;
    bool stopped_ = false;
    std::atomic<bool> all_launched_{false};
    std::atomic<std::uint64_t> launched_{0};
};

}  // namespace

std::vector<std::chrono::microseconds> arrival_offsets(std::uint32_t devices,
                                                       std::chrono::milliseconds ramp, double rate,
                                                       std::uint64_t seed) {
    std::vector<std::chrono::microseconds> times(devices);
    DeviceRandom random(seed ^ 0x6172726976616c73ULL);
    double at_us = 0;
    for (std::uint32_t i = 0; i < devices; ++i) {
        if (rate > 0) {
            if (i > 0) at_us += -std::log(1.0 - random.unit()) * 1e6 / rate;
        } else if (devices > 1) {
            at_us = static_cast<double>(std::chrono::microseconds(ramp).count()) * i / devices;
        }
        times[i] = std::chrono::microseconds(static_cast<std::int64_t>(at_us));
    }
    // Which device boots in which slot: a seeded Fisher-Yates shuffle.
    for (std::uint32_t i = devices; i > 1; --i) {
        std::swap(times[i - 1], times[random.next() % i]);
    }
    return times;
}

RunResult run_simulation(const SimulationOptions& options, const UplinkAudio& uplink,
                         const ProgressSink& progress) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t threads =
        options.threads > 0 ? static_cast<std::size_t>(options.threads) : cores;
    RunStats stats(threads);
    // One io_context per thread: a device lives on one thread, so it needs no strand and its
    // events never wake another thread.
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<WorkGuard> guards;
    for (std::size_t i = 0; i < threads; ++i) {
        contexts.push_back(std::make_unique<asio::io_context>(1));
        guards.push_back(asio::make_work_guard(*contexts.back()));
    }
    asio::io_context& first = *contexts.front();
    const auto start = Clock::now();
    const UplinkPacketIndex echo_index(uplink.packets);
    RunTls tls(options);
    SimulationContext context{options, uplink, echo_index, stats, tls, std::nullopt};
    if (options.duration.count() > 0) context.turns_end = start + options.duration;

    auto launcher = std::make_shared<Launcher>(
        contexts, context,
        arrival_offsets(options.devices, options.ramp, options.rate, options.seed), start);
    RunResult result;
    asio::signal_set signals(first, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int) {
        if (ec) return;
        result.interrupted = true;
        for (auto& io : contexts) io->stop();
    });
    asio::post(first, [launcher] { launcher->next(); });

    // The work guards and the signal wait are the only work left once every device has
    // finished: the watcher then releases them and every io_context runs out of work.
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            stats.bind_thread(i);
            contexts[i]->run();
        });
    }
    std::mutex mutex;
    std::condition_variable wake;
    bool done = false;
    std::thread watcher([&] {
        bool released = false;
        std::unique_lock lock(mutex);
        while (!done) {
            const auto finished =
                stats.total(Counter::devices_done) + stats.total(Counter::devices_failed);
            if (!released && launcher->all_launched() && finished >= launcher->launched()) {
                released = true;
                asio::post(first, [&signals] { signals.cancel(); });
                for (auto& guard : guards) guard.reset();
            }
            if (progress) {
                progress(stats, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() -
                                                                                      start));
            }
            wake.wait_for(lock, std::chrono::milliseconds(100));
        }
    });
    for (auto& thread : pool) thread.join();
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    wake.notify_all();
    watcher.join();
    launcher->stop();
    result.wall_time = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    result.figures = stats.merged();
    return result;
}

}  // namespace xiaozhi::simulator
