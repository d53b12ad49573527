// The admin API under /xiaozhi/admin/: config, remote layer revisions, history, rollback, confirm,
// firmware.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "http_message.hpp"
#include "server_control.hpp"

namespace xiaozhi::server {

inline constexpr std::string_view admin_prefix = "/xiaozhi/admin/";

// The answer to an admin request that admin_refusal let through; `rest` is the path
// after admin_prefix. Routes:
//   GET  config                 effective config with provenance, secrets masked
//   (report::write_layers json) GET  remote                 the remote layer in force as JSON, ETag
//   "<revision>" PUT  remote                 a new remote layer (JSON, TOML or YAML); If-Match
//   required
//                               (428 without, 412 when stale); 409 with the findings when the
//                               analysis refuses it; 200 with the new ETag and the warnings
//   GET  history                kept revisions, newest first
//   POST rollback/<revision>    re-applies a kept revision as a new one; If-Match required
//   POST confirm/<revision>     confirms a change made with X-Confirm-Within
//   PUT  firmware/<model>/<version>   stores an uploaded image (see firmware_upload.hpp)
// PUT remote and rollback record X-Xiaozhi-Author and X-Xiaozhi-Message (or ?author=,
// ?message=) in the history, and accept X-Confirm-Within: <n>[s|m|h] (or ?confirm_within=):
// the change reverts to the revision before it unless confirmed in time.
HttpResponse admin_request(const HttpRequest& request, std::string_view rest,
                           ServerControl& control, std::chrono::system_clock::time_point now);

// What revert_unconfirmed did.
struct RevertOutcome {
    enum class Status { nothing_pending, waiting, reverted, failed };
    Status status = Status::nothing_pending;
    std::uint64_t revision = 0;  // the unconfirmed revision, when one is pending
    std::string detail;          // failed: why the revert was refused
};

// For the application's timer (call it about once a second, and once after start-up):
// when the current remote revision was made with a confirm-within whose deadline has
// passed at `now`, re-applies the revision before it through ServerControl::apply_remote
// as a new revision of kind "revert". A refused revert is logged, its deadline cleared
// (the unconfirmed revision stays in force) and reported as failed. Never throws.
RevertOutcome revert_unconfirmed(ServerControl& control, std::chrono::system_clock::time_point now);

}  // namespace xiaozhi::server
