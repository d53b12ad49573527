// The standard process_* metrics of Prometheus client libraries, read from /proc/self.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::server {

// What /proc/<pid>/stat says of a process, in its own units.
struct ProcessStat {
    std::uint64_t user_ticks = 0;      // utime, clock ticks
    std::uint64_t system_ticks = 0;    // stime
    std::uint64_t start_ticks = 0;     // starttime, ticks after boot
    std::uint64_t virtual_bytes = 0;   // vsize
    std::uint64_t resident_pages = 0;  // rss
};

// Parses the text of /proc/<pid>/stat (the command name may hold spaces and parentheses);
// nullopt when it is not that shape.
std::optional<ProcessStat> parse_process_stat(std::string_view text);

// How many descriptors this process has open (/proc/self/fd); nullopt without /proc.
std::optional<std::uint64_t> open_descriptor_count();

// Appends process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds and
// process_start_time_seconds for this process; a figure that cannot be read is left out.
void render_process_metrics(std::string& out);

}  // namespace xiaozhi::server
