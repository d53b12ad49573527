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
      strand_(boost::asio::make_strand(bound_.acceptor.get_executor())) {}

void Listener::start() {
    boost::asio::dispatch(strand_, [self = shared_from_this()] { self->accept(); });
}

void Listener::stop() {
    boost::asio::dispatch(strand_, [self = shared_from_this()] {
        boost::system::error_code ignored;
        self->bound_.acceptor.close(ignored);
    });
}

void Listener::accept() {
    bound_.acceptor.async_accept(
        boost::asio::make_strand(bound_.acceptor.get_executor()),
        boost::asio::bind_executor(
            strand_, [self = shared_from_this()](boost::system::error_code error,
                                                 boost::asio::ip::tcp::socket socket) {
                if (error == boost::asio::error::operation_aborted ||
                    !self->bound_.acceptor.is_open()) {
                    return;
                }
                if (error) {
                    spdlog::warn("accept failed service={} port={} error=\"{}\"",
                                 self->bound_.service, self->bound_.bound_port, error.message());
                } else {
                    serve_connection(std::move(socket), self->services_, self->routes_);
                }
                self->accept();
            }));
}

}  // namespace xiaozhi::server
