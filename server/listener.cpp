// Listener: async accept on a strand, each socket then served on its own context's thread.
#include "listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace xiaozhi::server {

Listener::Listener(BoundListener bound, IoPool& pool, const ServerServices& services,
                   HttpRoutes& routes)
    : bound_(std::move(bound)),
      pool_(pool),
      services_(services),
      routes_(routes),
      strand_(boost::asio::make_strand(bound_.acceptor.get_executor())),
      retry_timer_(strand_) {}

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
        boost::asio::bind_executor(strand_, [self = shared_from_this()](
                                                boost::system::error_code error,
                                                ConnectionSocket socket) {
            if (error == boost::asio::error::operation_aborted ||
                !self->bound_.acceptor.is_open()) {
                return;
            }
            if (error) {
                spdlog::warn("accept failed service={} port={} error=\"{}\"; retrying in 100 ms",
                             self->bound_.service, self->bound_.bound_port, error.message());
                self->retry_timer_.expires_after(std::chrono::milliseconds(100));
                self->retry_timer_.async_wait([self](boost::system::error_code) {
                    if (self->bound_.acceptor.is_open()) self->accept();
                });
                return;
            }
            boost::system::error_code ignored;
            socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
            // The connection starts on its own thread, which then runs all its handlers.
            const auto executor = socket.get_executor();
            boost::asio::post(executor, [&services = self->services_, &routes = self->routes_,
                                         socket = std::move(socket)]() mutable {
                serve_connection(std::move(socket), services, routes);
            });
            self->accept();
        }));
}

}  // namespace xiaozhi::server
