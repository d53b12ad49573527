// One simulated device: OTA, WebSocket upgrade, hello and talking turns, as the firmware does,
// over TLS for https:// and wss:// URLs.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "echo_match.hpp"
#include "run_stats.hpp"
#include "run_tls.hpp"
#include "simulation_options.hpp"
#include "uplink_audio.hpp"

namespace xiaozhi::simulator {

using Clock = std::chrono::steady_clock;

// What every device of a run shares (read-only while the run goes on).
struct SimulationContext {
    const SimulationOptions& options;
    const UplinkAudio& uplink;
    const UplinkPacketIndex& echo_index;  // the uplink packets by content, to match echoes
    RunStats& stats;
    RunTls& tls;  // for https and wss peers, made when the first device needs it
    std::optional<Clock::time_point> turns_end;  // no turn starts after this; idle devices leave
};

// Starts device `index` on `io`, which exactly one thread runs. `scheduled` is when it was due to
// boot: latencies of its first actions count from there, however late it really starts.
// The device keeps itself alive through its pending operations until it finishes.
void start_device(boost::asio::io_context& io, const SimulationContext& context,
                  std::uint32_t index, Clock::time_point scheduled);

}  // namespace xiaozhi::simulator
