// Listener: async accept on a strand, handing each socket to serve_connection.
#include "listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

namespace xiaozhi::server {

Listener::Listener(BoundListener bound, const ServerServices& services, HttpRoutes& routes)
    : bound_(std::move(bound)),
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
        boost::asio::make_strand(bound_.acceptor.get_executor()),
        boost::asio::bind_executor(strand_, [self = shared_from_this()](
                                                boost::system::error_code error,
                                                boost::asio::ip::tcp::socket socket) {
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
            serve_connection(std::move(socket), self->services_, self->routes_);
            self->accept();
        }));
}

}  // namespace xiaozhi::server
