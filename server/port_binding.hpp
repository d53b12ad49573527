// Opening a listening TCP socket under the server.port_fallback policy.
#pragma once

#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "settings.hpp"

namespace xiaozhi::server {

// A listening socket and how it came to be.
struct BoundListener {
    std::string service;  // "websocket", "http", "http+websocket", "tls" (server.tls.port)
    std::string address;  // the bind address as configured
    int requested_port = 0;
    int bound_port = 0;
    std::string reason;  // "configured", or why another port was taken ("8000 in use, next")
    boost::asio::ip::tcp::acceptor acceptor;
    bool tls = false;  // its connections speak TLS
};

// Binds `service` on address:port. fail: that port or an error; next: the first
// free port of port .. port + range - 1; any: that port, else one the kernel
// chooses. Throws std::runtime_error with a one-line message naming the service,
// address, port and policy when nothing could be bound; the address must be an
// IP literal (or "localhost").
BoundListener bind_listener(boost::asio::io_context& io, const std::string& service,
                            const std::string& address, int port, PortFallback policy, int range);

// "fail", "next", "any".
const char* port_fallback_name(PortFallback policy);

}  // namespace xiaozhi::server
