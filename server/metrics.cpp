// Metrics: labeled counters and the Prometheus text rendering.
#include "metrics.hpp"

#include <fmt/format.h>

#include "process_metrics.hpp"
#include "prometheus_text.hpp"

namespace xiaozhi::server {

void LabeledCounter::add(const std::string& label, std::uint64_t amount) {
    std::lock_guard lock(mutex_);
    values_[label] += amount;
}

std::map<std::string, std::uint64_t> LabeledCounter::values() const {
    std::lock_guard lock(mutex_);
    return values_;
}

const char* session_state_name(SessionState state) {
    switch (state) {
        case SessionState::handshake:
            return "handshake";
        case SessionState::idle:
            return "idle";
        case SessionState::listening:
            return "listening";
        case SessionState::speaking:
            return "speaking";
    }
    return "unknown";
}

void Metrics::move_session(SessionState from, SessionState to) {
    if (from == to) return;
    sessions[static_cast<int>(from)].fetch_sub(1, std::memory_order_relaxed);
    sessions[static_cast<int>(to)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::session_started(SessionState state) {
    sessions[static_cast<int>(state)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::session_ended(SessionState state) {
    sessions[static_cast<int>(state)].fetch_sub(1, std::memory_order_relaxed);
}

namespace {

template <typename T>
void write_value(std::string& out, const char* name, const char* type, const char* help,
                 const std::atomic<T>& value) {
    write_metric_header(out, name, type, help);
    out += fmt::format("xiaozhi_{} {}\n", name, value.load(std::memory_order_relaxed));
}

void write_labeled(std::string& out, const char* name, const char* label, const char* help,
                   const LabeledCounter& counter) {
    write_metric_header(out, name, "counter", help);
    for (const auto& [value, count] : counter.values()) {
        out += fmt::format("xiaozhi_{}{{{}=\"{}\"}} {}\n", name, label, value, count);
    }
}

void write_tls(std::string& out, const Metrics& m) {
    write_labeled(out, "tls_handshakes_total", "outcome",
                  "TLS handshakes on TLS listeners: ok, failed, timeout, plain_http.",
                  m.tls_handshakes);
    write_value(out, "tls_on_plain_port_total", "counter",
                "TLS ClientHellos that reached a plain listener and were closed.",
                m.tls_on_plain_port);
    write_labeled(out, "tls_reloads_total", "outcome",
                  "Certificate reloads (SIGHUP or a changed file): ok, rejected.", m.tls_reloads);
    write_metric_header(out, "tls_certificate_expiry_timestamp_seconds", "gauge",
                        "Unix time the served certificate expires at, by certificate file.");
    std::lock_guard lock(m.tls_expiry_mutex);
    for (const auto& [file, expiry] : m.tls_expiry) {
        out += fmt::format("xiaozhi_tls_certificate_expiry_timestamp_seconds{{file=\"{}\"}} {}\n",
                           prometheus_label_value(file), expiry);
    }
}

}  // namespace

std::string render_prometheus(const Metrics& m) {
    std::string out;
    write_value(out, "connections_accepted_total", "counter", "TCP connections accepted.",
                m.connections_accepted);
    write_value(out, "connections_open", "gauge", "TCP connections open now.", m.connections_open);
    write_value(out, "connections_refused_total", "counter",
                "TCP connections answered 503 at accept: server.max_connections or no descriptors.",
                m.connections_refused);
    write_metric_header(out, "sessions", "gauge", "Device WebSocket sessions by state.");
    for (int i = 0; i < session_state_count; ++i) {
        out += fmt::format("xiaozhi_sessions{{state=\"{}\"}} {}\n",
                           session_state_name(static_cast<SessionState>(i)),
                           m.sessions[i].load(std::memory_order_relaxed));
    }
    write_value(out, "frames_received_total", "counter", "Binary frames received from devices.",
                m.frames_received);
    write_value(out, "frames_sent_total", "counter", "Binary frames sent to devices.",
                m.frames_sent);
    write_value(out, "bytes_received_total", "counter",
                "WebSocket message bytes received from devices.", m.bytes_received);
    write_value(out, "bytes_sent_total", "counter", "WebSocket message bytes sent to devices.",
                m.bytes_sent);
    write_labeled(out, "bad_frames_total", "reason", "Binary frames dropped as malformed.",
                  m.bad_frames);
    write_labeled(out, "text_ignored_total", "reason", "Text frames logged and ignored.",
                  m.text_ignored);
    write_labeled(out, "handshake_failures_total", "reason",
                  "WebSocket handshakes and hellos that failed.", m.handshake_failures);
    write_labeled(out, "session_closes_total", "reason", "Device sessions closed, by reason.",
                  m.session_closes);
    write_labeled(out, "ota_requests_total", "outcome", "OTA requests by outcome.", m.ota_requests);
    write_labeled(out, "http_requests_total", "status", "HTTP requests by status class.",
                  m.http_requests);
    write_labeled(out, "binds_total", "service", "Listeners bound.", m.binds);
    write_labeled(out, "port_fallbacks_total", "service",
                  "Listeners bound on another port than configured.", m.fallbacks);
    write_value(out, "config_reloads_total", "counter", "Configuration changes applied.",
                m.config_reloads);
    write_value(out, "config_rejected_total", "counter",
                "Configuration changes refused by validation.", m.config_rejected);
    m.ota_answer.render(out, "ota_answer_seconds",
                        "OTA answers: from the request head read to the answer written.");
    m.websocket_upgrade.render(out, "websocket_upgrade_seconds",
                               "WebSocket upgrades: from the request read to the 101 written.");
    m.hello.render(out, "hello_seconds",
                   "Hello round trips: from a device's hello read to the answer written.");
    m.first_reply.render(out, "first_reply_seconds",
                         "From the end of a listen turn to the first reply audio frame written.");
    m.reply_lateness.render(out, "reply_frame_lateness_seconds",
                            "How late each paced reply audio frame is handed to the socket.");
    m.tls_handshake.render(out, "tls_handshake_seconds",
                           "TLS handshakes: from the first byte readable to the handshake done.");
    write_tls(out, m);
    write_metric_header(out, "build_info", "gauge",
                        "The running build: always 1, its version a label.");
    out += "xiaozhi_build_info{version=\"" XIAOZHI_VERSION "\"} 1\n";
    render_process_metrics(out);
    return out;
}

}  // namespace xiaozhi::server
