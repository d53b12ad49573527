// raise_open_file_limit: getrlimit/setrlimit, /proc/self/fd for the descriptors in use.
#include "open_file_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

#include "log_event.hpp"
#include "process_metrics.hpp"

namespace xiaozhi::server {

namespace {

// When /proc is not mounted: stdin, stdout, stderr, the io contexts' epoll and event
// descriptors of a few threads.
constexpr std::size_t kAssumedInUse = 32;

std::size_t descriptors_in_use() {
    return static_cast<std::size_t>(open_descriptor_count().value_or(kAssumedInUse));
}

// The most a soft limit may be when the hard one is unlimited.
rlim_t unlimited_ceiling() {
    std::ifstream file("/proc/sys/fs/nr_open");
    rlim_t value = 0;
    if (file >> value && value > 0) return value;
    return 1024 * 1024;
}

// A limit as a log field: its number, or "unlimited".
LogField figure(std::string_view key, rlim_t value) {
    if (value == RLIM_INFINITY) return {key, "unlimited"};
    return {key, static_cast<std::uint64_t>(value)};
}

}  // namespace

std::size_t connections_that_fit(std::uint64_t soft, std::size_t in_use) {
    const std::uint64_t kept = static_cast<std::uint64_t>(in_use) + kDescriptorReserve;
    return soft > kept ? static_cast<std::size_t>(soft - kept) : 1;
}

std::size_t raise_open_file_limit(int max_connections) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        log_warn("open_files_limit_unknown", "open files limit unknown",
                 {{"error", std::strerror(errno)}});
        return connections_that_fit(1024, descriptors_in_use());
    }
    const rlim_t before = limit.rlim_cur;
    const rlim_t target = limit.rlim_max == RLIM_INFINITY ? unlimited_ceiling() : limit.rlim_max;
    if (before != RLIM_INFINITY && before < target) {
        rlimit raised = limit;
        raised.rlim_cur = target;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            limit = raised;
            log_info("open_files_limit", "open files limit raised",
                     {figure("soft_before", before), figure("soft", target),
                      figure("hard", limit.rlim_max)});
        } else {
            log_warn("open_files_limit_not_raised", "open files limit not raised",
                     {figure("soft", before),
                      figure("hard", limit.rlim_max),
                      {"error", std::strerror(errno)}});
        }
    } else {
        log_info("open_files_limit", "open files limit",
                 {figure("soft", before), figure("hard", limit.rlim_max)});
    }
    const std::uint64_t soft =
        limit.rlim_cur == RLIM_INFINITY ? unlimited_ceiling() : limit.rlim_cur;
    const std::size_t in_use = descriptors_in_use();
    const std::size_t fit = connections_that_fit(soft, in_use);
    if (static_cast<std::size_t>(max_connections) > fit) {
        log_warn("max_connections_capped",
                 "max_connections does not fit the open files limit; admitting at most the "
                 "connections that fit: raise LimitNOFILE or lower server.max_connections",
                 {{"max_connections", max_connections},
                  {"open_files_limit", soft},
                  {"in_use", in_use},
                  {"reserve", kDescriptorReserve},
                  {"admitting", fit}});
    }
    return fit;
}

}  // namespace xiaozhi::server
