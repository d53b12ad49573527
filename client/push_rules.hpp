// ota-push decisions that need no network: durations, when findings stop a push, what address
// the next OTA answer must carry, and the local checks of a firmware image.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/finding.hpp"
#include "config/effective.hpp"

namespace xiaozhi::client {

// config::parse_duration ("10s", "1.5s", "500ms", "5m", "1h", bare seconds); nullopt when
// malformed, zero, or longer than a day.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// X-Confirm-Within for a duration: whole seconds, rounded up ("30s").
std::string confirm_within_header(std::chrono::milliseconds duration);

// Whether the local findings stop the push: something at or above `fail_on`, unless
// `force` (the server still refuses errors).
struct Gate {
    bool stop = false;
    std::string reason;  // why it stops: "2 errors" / "1 warning (--fail-on warning)"
};
Gate gate_findings(const std::vector<analysis::Finding>& findings, analysis::Severity fail_on,
                   bool force);

// What websocket.url the next OTA answer must carry after a change from `before` to
// `after`: the configured server.websocket (one of its ';' entries) when it is set and
// either it or server.port changed; else, when server.port or server.advertise_host
// changed, a URL with that port (any port under a port_fallback policy) and host.
// Nothing particular otherwise.
struct ExpectedWebsocket {
    std::vector<std::string> urls;  // one of these exactly, when not empty
    std::optional<int> port;
    std::string host;

    bool any() const { return urls.empty() && !port && host.empty(); }
    bool matches(std::string_view url) const;
    std::string describe() const;  // "ws://…", "a URL with port 8100", ...
};
ExpectedWebsocket expected_websocket(const config::Effective& before,
                                     const config::Effective& after);

// The HTTP port the server answers on after the change, when server.http_port changed
// from the port of `server_port` (the --server URL); nullopt otherwise.
std::optional<int> moved_http_port(const config::Effective& before, const config::Effective& after,
                                   int server_port);

// The local checks of --firmware: "" when fine, else why the upload is refused (a version
// that is not dotted numeric, a model with path characters, an unreadable or empty file,
// a file that does not start with the ESP32 image magic 0xE9 unless !image_check).
std::string firmware_problem(const std::string& path, std::string_view model,
                             std::string_view version, bool image_check);

// A version lower than `version` for the test device's OTA request ("0" parts), or nullopt
// when `version` is all zeros (nothing is lower).
std::optional<std::string> version_below(std::string_view version);

}  // namespace xiaozhi::client
