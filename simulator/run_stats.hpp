// A run's counters, latency histograms and errors by class, kept per thread and merged at the end.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "latency_histogram.hpp"
#include "latency_kind.hpp"

namespace xiaozhi::simulator {

enum class Counter : std::size_t {
    devices_started,
    ota_ok,
    connected,  // WebSocket upgraded
    hello_ok,
    devices_done,  // finished every turn without a fatal error
    devices_failed,
    turns_started,
    turns_completed,  // tts stop received
    turns_aborted,    // of the completed, those the device aborted
    frames_sent,
    bytes_sent,
    frames_received,  // binary frames from the server
    bytes_received,
    text_received,
    bad_frames,         // binary frames decode_frame rejected
    undecodable_audio,  // --verify-audio: Opus packets that failed to decode
    frames_echoed,      // downlink packets equal to an uplink frame of the turn, first time
    frames_reordered,   // of the echoed, those that came back after a later frame's echo
    frames_duplicated,  // downlink packets echoing a frame that was echoed already
    frames_unmatched,   // downlink packets equal to no uplink frame of the turn
    frames_lost,        // uplink frames of a completed, unaborted turn never echoed
    errors,
};

inline constexpr std::size_t kCounterCount = 22;

// Distinct reasons kept per error class (the first ones seen), so a report can say why
// ("certificate has expired (10.0.0.2:443)") without growing with the number of devices.
inline constexpr std::size_t kReasonsPerClass = 4;

// Error classes with the reasons seen for them, each class at most kReasonsPerClass.
using ErrorReasons = std::map<std::string, std::vector<std::string>>;

// Everything one thread recorded. Counters are atomic so progress can read them live;
// histograms and error classes are touched only by the owning thread until merged.
struct StatsShard {
    std::array<std::atomic<std::uint64_t>, kCounterCount> counters{};
    std::array<LatencyHistogram, kLatencyCount> latencies;
    std::map<std::string, std::uint64_t> errors;  // by class
    ErrorReasons reasons;
};

// A run's merged figures.
struct RunFigures {
    std::array<std::uint64_t, kCounterCount> counters{};
    std::array<LatencyHistogram, kLatencyCount> latencies;
    std::map<std::string, std::uint64_t> errors;
    ErrorReasons reasons;  // for the classes whose errors came with one

    std::uint64_t operator[](Counter counter) const {
        return counters[static_cast<std::size_t>(counter)];
    }
    const LatencyHistogram& operator[](Latency latency) const {
        return latencies[static_cast<std::size_t>(latency)];
    }
    // OTA requests, connection attempts and turns started: the denominator of errors in %.
    std::uint64_t operations(bool with_ota) const;
};

class RunStats {
  public:
    explicit RunStats(std::size_t threads);

    // Makes the calling thread record into shard `index` (each worker thread calls it once).
    void bind_thread(std::size_t index);

    void add(Counter counter, std::uint64_t amount = 1);
    void record(Latency latency, std::uint64_t microseconds);
    // Counts one error of `error_class` ("hello_timeout", "ota_http_503") and in Counter::errors;
    // a non-empty `reason` is kept among the class's first distinct ones.
    void error(const std::string& error_class, const std::string& reason = {});

    // Live sum of a counter over all shards.
    std::uint64_t total(Counter counter) const;

    // The merged figures; call once the worker threads have stopped.
    RunFigures merged() const;

  private:
    StatsShard& local();

    std::vector<std::unique_ptr<StatsShard>> shards_;
};

}  // namespace xiaozhi::simulator
