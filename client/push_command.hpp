// `xiaozhi ota-push` engine: push a remote layer, roll back, list history, upload firmware; each
// checked before and verified after as a device would see it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "analysis/finding.hpp"
#include "remote_change.hpp"
#include "tls_trust.hpp"

namespace xiaozhi::client {

struct PushOptions {
    std::string server;  // http(s)://host:port of the server's HTTP listener
    std::string token;   // the admin token; sent, never printed
    TlsTrust trust;      // for an https:// server and wss:// or https:// URLs it hands out
    std::chrono::milliseconds timeout{10000};         // each HTTP step
    std::chrono::milliseconds verify_timeout{10000};  // WebSocket connect + hello

    // A remote layer push.
    RemoteChange change;
    std::string message;
    std::string author;
    std::optional<std::string> expect_revision;  // If-Match instead of the revision read
    std::optional<std::chrono::milliseconds> confirm_within;
    bool force = false;
    bool dry_run = false;
    analysis::Severity fail_on = analysis::Severity::error;
    bool probe = true;  // probe this machine when the server runs on it

    bool verify = true;

    // Other actions.
    bool history = false;
    bool rollback = false;
    std::optional<std::uint64_t> rollback_to;  // default: the revision before the current one

    std::string firmware;  // a firmware upload when set
    std::string model;
    std::string version;
    bool image_check = true;

    bool json = false;
    bool color = false;
    bool progress = false;  // upload progress on standard error
};

// Runs the action the options describe; the exit code (0 ok, 1 refused or verification
// failed, 2 input error, 3 unreachable server or peer failure). Never throws.
int run_ota_push(const PushOptions& options, std::ostream& out, std::ostream& err);

}  // namespace xiaozhi::client
