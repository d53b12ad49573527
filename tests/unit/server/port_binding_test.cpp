// bind_listener on 127.0.0.1: the configured port, and the fail / next / any policies.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include "port_binding.hpp"

using namespace xiaozhi::server;
namespace asio = boost::asio;

TEST_CASE("bind_listener takes the configured port when it is free", "[bind]") {
    asio::io_context io;
    BoundListener first = bind_listener(io, "http", "127.0.0.1", 0, PortFallback::fail, 1);
    const int port = first.bound_port;
    first.acceptor.close();
    BoundListener again = bind_listener(io, "http", "127.0.0.1", port, PortFallback::fail, 10);
    CHECK(again.bound_port == port);
    CHECK(again.reason == "configured");
}

TEST_CASE("a taken port: fail throws, next and any move on", "[bind]") {
    asio::io_context io;
    BoundListener holder = bind_listener(io, "other", "127.0.0.1", 0, PortFallback::any, 1);
    const int taken = holder.bound_port;

    CHECK_THROWS_WITH(bind_listener(io, "websocket", "127.0.0.1", taken, PortFallback::fail, 10),
                      Catch::Contains("cannot bind the websocket listener on 127.0.0.1:" +
                                      std::to_string(taken)) &&
                          Catch::Contains("server.port_fallback = fail"));

    if (taken < 65535) {
        BoundListener next =
            bind_listener(io, "websocket", "127.0.0.1", taken, PortFallback::next, 10);
        CHECK(next.bound_port > taken);
        CHECK(next.bound_port < taken + 10);
        CHECK(next.requested_port == taken);
        CHECK_THAT(next.reason, Catch::Contains("port_fallback next"));
    }
    BoundListener any = bind_listener(io, "websocket", "127.0.0.1", taken, PortFallback::any, 1);
    CHECK(any.bound_port != taken);
    CHECK_THAT(any.reason, Catch::Contains("port_fallback any"));
}

TEST_CASE("a bind address that is not an IP literal is refused with its name", "[bind]") {
    asio::io_context io;
    CHECK_THROWS_WITH(bind_listener(io, "http", "example.org", 8000, PortFallback::fail, 1),
                      Catch::Contains("bind address 'example.org' is not an IP address"));
}
