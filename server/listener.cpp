// Listener: async accept on a strand, a connection slot per socket (a 503 without one), each
// socket then served on its own context's thread.
#include "listener.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "connection_refusal.hpp"
#include "log_event.hpp"

namespace xiaozhi::server {

namespace {

// The pause after a failed accept: the loop never spins on a lasting error.
constexpr auto kRetryDelay = std::chrono::milliseconds(100);
constexpr auto kLogInterval = std::chrono::seconds(1);
// Waiting connections refused per failed accept when out of descriptors.
constexpr int kMaxShedPerRetry = 64;

int open_spare() {
    return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

bool out_of_descriptors(const boost::system::error_code& error) {
    return error == boost::system::errc::too_many_files_open ||
           error == boost::system::errc::too_many_files_open_in_system;
}

}  // namespace

bool Listener::Throttle::due() {
    ++count;
    const auto now = std::chrono::steady_clock::now();
    if (last != std::chrono::steady_clock::time_point{} && now - last < kLogInterval) {
        return false;
    }
    last = now;
    return true;
}

Listener::Listener(BoundListener bound, IoPool& pool, const ServerServices& services,
                   HttpRoutes& routes)
    : bound_(std::move(bound)),
      pool_(pool),
      services_(services),
      routes_(routes),
      strand_(boost::asio::make_strand(bound_.acceptor.get_executor())),
      retry_timer_(strand_),
      spare_fd_(open_spare()) {}

Listener::~Listener() {
    if (spare_fd_ >= 0) ::close(spare_fd_);
}

void Listener::start() {
    boost::asio::dispatch(strand_, [self = shared_from_this()] { self->accept(); });
}

void Listener::stop() {
    boost::asio::dispatch(strand_, [self = shared_from_this()] {
        boost::system::error_code ignored;
        self->bound_.acceptor.close(ignored);
        self->retry_timer_.cancel();
    });
}

void Listener::accept() {
    bound_.acceptor.async_accept(
        pool_.next_executor(),
        boost::asio::bind_executor(
            strand_,
            [self = shared_from_this()](boost::system::error_code error, ConnectionSocket socket) {
                if (error == boost::asio::error::operation_aborted ||
                    !self->bound_.acceptor.is_open()) {
                    return;
                }
                if (error) {
                    self->on_accept_error(error);
                    return;
                }
                self->on_accepted(std::move(socket));
                self->accept();
            }));
}

void Listener::on_accepted(ConnectionSocket socket) {
    const std::shared_ptr<const RunningConfig> running = services_.control.current();
    const auto limit = static_cast<std::size_t>(std::max(0, running->settings.max_connections));
    ConnectionSlots& slots = services_.sessions.connections();
    ConnectionSlot slot = slots.try_acquire(limit);
    boost::system::error_code ignored;
    if (!slot) {
        refuse_connection(socket.native_handle());
        socket.close(ignored);
        services_.metrics.connections_refused.fetch_add(1, std::memory_order_relaxed);
        if (refusals_.due()) {
            log_warn("connections_refused", "connections refused",
                     {{"service", bound_.service},
                      {"port", bound_.bound_port},
                      {"status", 503},
                      {"reason", "max_connections"},
                      {"limit", slots.effective_limit(limit)},
                      {"refused", refusals_.count}});
            refusals_.count = 0;
        }
        return;
    }
    socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    // The connection starts on its own thread, which then runs all its handlers.
    const auto executor = socket.get_executor();
    std::shared_ptr<const TlsContexts> tls = bound_.tls ? running->tls : nullptr;
    if (bound_.tls && !tls) {
        socket.close(ignored);
        return;
    }
    boost::asio::post(
        executor, [&services = services_, &routes = routes_, socket = std::move(socket),
                   slot = std::move(slot), tls = std::move(tls)]() mutable {
            serve_connection(std::move(socket), std::move(slot), services, routes, std::move(tls));
        });
}

void Listener::on_accept_error(const boost::system::error_code& error) {
    const auto shed = static_cast<std::uint64_t>(out_of_descriptors(error) ? shed_waiting() : 0);
    services_.metrics.connections_refused.fetch_add(shed, std::memory_order_relaxed);
    shed_unlogged_ += shed;
    if (failures_.due()) {
        log_warn("accept_failed", "accept failed, retrying in 100 ms",
                 {{"service", bound_.service},
                  {"port", bound_.bound_port},
                  {"error", error.message()},
                  {"failures", failures_.count},
                  {"refused", shed_unlogged_}});
        failures_.count = 0;
        shed_unlogged_ = 0;
    }
    retry_timer_.expires_after(kRetryDelay);
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code) {
        if (self->bound_.acceptor.is_open()) self->accept();
    });
}

int Listener::shed_waiting() {
    if (spare_fd_ >= 0) {
        ::close(spare_fd_);
        spare_fd_ = -1;
    }
    boost::system::error_code ignored;
    bound_.acceptor.native_non_blocking(true, ignored);
    int shed = 0;
    while (shed < kMaxShedPerRetry) {
        const int fd = ::accept4(bound_.acceptor.native_handle(), nullptr, nullptr,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;
        refuse_connection(fd);
        ::close(fd);
        ++shed;
    }
    spare_fd_ = open_spare();
    return shed;
}

}  // namespace xiaozhi::server
