// serve's open-files limit: the soft RLIMIT_NOFILE raised to the hard one at start, and how
// many connections fit in it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xiaozhi::server {

// Descriptors kept beside the connections, on top of those open at start: the listeners and
// their spare descriptors, refused sockets on their way out, files served or uploaded, the
// state folder, logs.
inline constexpr std::size_t kDescriptorReserve = 64;

// How many connections fit in `soft` open files when `in_use` are open already.
std::size_t connections_that_fit(std::uint64_t soft, std::size_t in_use);

// Raises the soft limit to the hard one (to fs.nr_open when the hard one is unlimited) and
// logs the figures; warns with both figures when `max_connections` does not fit. Returns
// connections_that_fit for the limit in force, the cap of admitted connections.
std::size_t raise_open_file_limit(int max_connections);

}  // namespace xiaozhi::server
