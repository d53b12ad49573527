// A whole simulate-device run: devices started on schedule over a thread pool, figures merged.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "run_stats.hpp"
#include "simulation_options.hpp"
#include "uplink_audio.hpp"

namespace xiaozhi::simulator {

// When each device boots, as offsets from the start of the run: evenly spread over
// `ramp`, or Poisson arrivals at `rate` per second, in an order shuffled by `seed`
// (index i of the result is the boot offset of device i).
std::vector<std::chrono::microseconds> arrival_offsets(std::uint32_t devices,
                                                       std::chrono::milliseconds ramp, double rate,
                                                       std::uint64_t seed);

struct RunResult {
    RunFigures figures;
    std::chrono::milliseconds wall_time{0};
    bool interrupted = false;  // stopped by SIGINT or SIGTERM
};

// A line of live progress, called about once a second from another thread.
using ProgressSink = std::function<void(const RunStats& stats, std::chrono::milliseconds elapsed)>;

// Runs the devices until every one has finished (or a signal stops the run).
RunResult run_simulation(const SimulationOptions& options, const UplinkAudio& uplink,
                         const ProgressSink& progress);

}  // namespace xiaozhi::simulator
