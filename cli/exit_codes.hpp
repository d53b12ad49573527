// The exit codes every subcommand shares (DESIGN.md).
#pragma once

namespace xiaozhi::cli {

inline constexpr int exit_ok = 0;        // nothing at or above the failure threshold, no difference
inline constexpr int exit_findings = 1;  // findings at or above --fail-on, or differences
inline constexpr int exit_usage = 2;     // bad flag, unreadable or invalid input
inline constexpr int exit_runtime = 3;   // the command could not do its work

}  // namespace xiaozhi::cli
