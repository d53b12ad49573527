// The server's counters and gauges, rendered in the Prometheus text format for GET /metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "latency_histogram.hpp"

namespace xiaozhi::server {

// Counts per label value, for events that are not on the per-frame path.
class LabeledCounter {
  public:
    void add(const std::string& label, std::uint64_t amount = 1);
    std::map<std::string, std::uint64_t> values() const;

  private:
    mutable std::mutex mutex_;
    std::map<std::string, std::uint64_t> values_;
};

// Device session states, for the sessions gauge.
enum class SessionState { handshake, idle, listening, speaking };
inline constexpr int session_state_count = 4;
const char* session_state_name(SessionState state);  // "handshake", "idle", "listening", "speaking"

struct Metrics {
    std::atomic<std::uint64_t> connections_accepted{0};  // TCP connections, all listeners
    std::atomic<std::int64_t> connections_open{0};
    // Answered 503 and closed at accept: beyond server.max_connections or out of descriptors.
    std::atomic<std::uint64_t> connections_refused{0};
    std::atomic<std::int64_t> sessions[session_state_count]{};  // device sessions by state
    std::atomic<std::uint64_t> frames_received{0};              // binary frames from devices
    std::atomic<std::uint64_t> frames_sent{0};                  // binary frames to devices
    std::atomic<std::uint64_t> bytes_received{0};  // payload bytes of all WebSocket messages
    std::atomic<std::uint64_t> bytes_sent{0};
    LabeledCounter bad_frames;    // by protocol::frame_error_name
    LabeledCounter text_ignored;  // "malformed", "unknown_type"
    LabeledCounter
        handshake_failures;  // "no_device_id", "unauthorized", "too_many", "hello_timeout", ...
    LabeledCounter
        session_closes;  // by reason: "client", "idle", "slow_reader", "too_big", "shutdown"
    LabeledCounter ota_requests;  // "websocket", "mqtt", "firmware_offered", "error", "status_page"
    LabeledCounter http_requests;  // by status class "2xx", "4xx", ...
    LabeledCounter binds;          // by service
    LabeledCounter fallbacks;      // by service
    // TLS listeners: handshakes by outcome ("ok", "failed", "timeout", "plain_http"), and
    // TLS ClientHellos that reached a plain port.
    LabeledCounter tls_handshakes;
    std::atomic<std::uint64_t> tls_on_plain_port{0};
    LabeledCounter tls_reloads;  // "ok", "rejected"
    // Unix time each served certificate expires at, by file; set at every (re)load.
    mutable std::mutex tls_expiry_mutex;
    std::map<std::string, std::int64_t> tls_expiry;
    std::atomic<std::uint64_t> config_reloads{0};
    std::atomic<std::uint64_t> config_rejected{0};
    // Latencies, each from what the server received to what it wrote.
    LatencyHistogram ota_answer;         // OTA request head read -> answer written
    LatencyHistogram websocket_upgrade;  // upgrade request read -> 101 written
    LatencyHistogram hello;              // device hello read -> hello answer written
    LatencyHistogram first_reply;        // end of a turn (listen stop, silence) -> first audio
    LatencyHistogram reply_lateness;     // a paced reply frame handed to the socket after its time
    LatencyHistogram tls_handshake;      // first TLS byte readable -> handshake done

    void move_session(SessionState from, SessionState to);
    void session_started(SessionState state);
    void session_ended(SessionState state);
};

// The Prometheus text exposition (version 0.0.4) of every metric, names prefixed "xiaozhi_",
// with xiaozhi_build_info{version} and the standard process_* metrics.
std::string render_prometheus(const Metrics& metrics);

}  // namespace xiaozhi::server
