// Process metrics: /proc/self/stat, /proc/stat's btime, /proc/self/fd and RLIMIT_NOFILE.
#include "process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace xiaozhi::server {

namespace {

std::string read_text(const char* path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::optional<std::uint64_t> number(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// Seconds since the epoch at boot, from the "btime" line of /proc/stat.
std::optional<std::uint64_t> boot_time() {
    std::istringstream lines(read_text("/proc/stat"));
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("btime ", 0) == 0) return number(std::string_view(line).substr(6));
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> open_descriptor_count() {
    std::error_code error;
    std::filesystem::directory_iterator entries("/proc/self/fd", error);
    if (error) return std::nullopt;
    std::uint64_t count = 0;
    for (auto it = std::filesystem::begin(entries); it != std::filesystem::end(entries);
         it.increment(error)) {
        if (error) return std::nullopt;
        ++count;
    }
    return count;
}

namespace {

template <typename T>
void write_metric(std::string& out, const char* name, const char* type, const char* help, T value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}

}  // namespace

std::optional<ProcessStat> parse_process_stat(std::string_view text) {
    // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15,
    // starttime 22, vsize 23, rss 24 (proc(5)).
    const std::size_t close = text.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    std::vector<std::string_view> fields;
    std::size_t at = close + 1;
    while (at < text.size()) {
        while (at < text.size() && (text[at] == ' ' || text[at] == '\n')) ++at;
        const std::size_t end = text.find_first_of(" \n", at);
        const std::size_t stop = end == std::string_view::npos ? text.size() : end;
        if (stop > at) fields.push_back(text.substr(at, stop - at));
        at = stop;
    }
    // fields[0] is field 3 (state).
    const auto field = [&](int index) -> std::optional<std::uint64_t> {
        const auto position = static_cast<std::size_t>(index - 3);
        if (position >= fields.size()) return std::nullopt;
        return number(fields[position]);
    };
    const auto user = field(14);
    const auto system = field(15);
    const auto start = field(22);
    const auto virtual_bytes = field(23);
    const auto resident = field(24);
    if (!user || !system || !start || !virtual_bytes || !resident) return std::nullopt;
    return ProcessStat{*user, *system, *start, *virtual_bytes, *resident};
}

void render_process_metrics(std::string& out) {
    const long ticks = ::sysconf(_SC_CLK_TCK);
    const long page = ::sysconf(_SC_PAGESIZE);
    if (const auto stat = parse_process_stat(read_text("/proc/self/stat")); stat && ticks > 0) {
        write_metric(out, "process_cpu_seconds_total", "counter",
                     "Total user and system CPU time spent in seconds.",
                     static_cast<double>(stat->user_ticks + stat->system_ticks) /
                         static_cast<double>(ticks));
        if (page > 0) {
            write_metric(out, "process_resident_memory_bytes", "gauge",
                         "Resident memory size in bytes.",
                         stat->resident_pages * static_cast<std::uint64_t>(page));
        }
        write_metric(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
                     stat->virtual_bytes);
        if (const auto boot = boot_time()) {
            write_metric(out, "process_start_time_seconds", "gauge",
                         "Start time of the process since unix epoch in seconds.",
                         static_cast<double>(*boot) +
                             static_cast<double>(stat->start_ticks) / static_cast<double>(ticks));
        }
    }
    if (const auto open = open_descriptor_count()) {
        write_metric(out, "process_open_fds", "gauge", "Number of open file descriptors.", *open);
    }
    if (rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
        write_metric(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
                     static_cast<std::uint64_t>(limit.rlim_cur));
    }
}

}  // namespace xiaozhi::server
