// refuse_connection: non-blocking reads, one send and a shutdown on a raw socket.
#include "connection_refusal.hpp"

#include <sys/socket.h>

#include <array>
#include <string_view>

namespace xiaozhi::server {

namespace {

constexpr std::string_view kAnswer =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Server: xiaozhi/" XIAOZHI_VERSION
    "\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 32\r\n"
    "Retry-After: 1\r\n"
    "Connection: close\r\n"
    "\r\n"
    R"({"error":"too many connections"})";
static_assert(kAnswer.size() - kAnswer.find("\r\n\r\n") - 4 == 32, "Content-Length");

// Reading what arrived (at most a few KiB) lets the close end with FIN, not a reset that
// could discard the answer before the peer reads it.
constexpr int kMaxDrainReads = 4;

}  // namespace

void refuse_connection(int fd) {
    std::array<char, 4096> discard{};
    for (int read = 0; read < kMaxDrainReads; ++read) {
        if (::recv(fd, discard.data(), discard.size(), MSG_DONTWAIT) <= 0) break;
    }
    (void)::send(fd, kAnswer.data(), kAnswer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
}

}  // namespace xiaozhi::server
