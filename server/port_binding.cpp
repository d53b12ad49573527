// bind_listener: try the configured port, then what the fallback policy allows.
#include "port_binding.hpp"

#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/asio/ip/v6_only.hpp>

namespace xiaozhi::server {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

asio::ip::address parse_bind_address(const std::string& address) {
    if (address.empty() || address == "*") return asio::ip::address_v4::any();
    if (address == "localhost") return asio::ip::address_v4::loopback();
    boost::system::error_code error;
    std::string literal = address;
    if (literal.size() > 2 && literal.front() == '[' && literal.back() == ']') {
        literal = literal.substr(1, literal.size() - 2);
    }
    const asio::ip::address parsed = asio::ip::make_address(literal, error);
    if (error) throw std::runtime_error("bind address '" + address + "' is not an IP address");
    return parsed;
}

// An open, bound, listening acceptor, or nullopt with `error` set.
std::optional<tcp::acceptor> try_bind(asio::io_context& io, const tcp::endpoint& endpoint,
                                      boost::system::error_code& error) {
    tcp::acceptor acceptor(io);
    acceptor.open(endpoint.protocol(), error);
    if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error && endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(false), error);
    if (!error) acceptor.bind(endpoint, error);
    if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) return std::nullopt;
    return acceptor;
}

BoundListener make_bound(const std::string& service, const std::string& address, int requested,
                         std::string reason, tcp::acceptor acceptor) {
    const int bound = acceptor.local_endpoint().port();
    return BoundListener{service, address,           requested,
                         bound,   std::move(reason), std::move(acceptor)};
}

}  // namespace

const char* port_fallback_name(PortFallback policy) {
    switch (policy) {
        case PortFallback::fail:
            return "fail";
        case PortFallback::next:
            return "next";
        case PortFallback::any:
            return "any";
    }
    return "fail";
}

BoundListener bind_listener(asio::io_context& io, const std::string& service,
                            const std::string& address, int port, PortFallback policy, int range) {
    const asio::ip::address ip = parse_bind_address(address);
    boost::system::error_code error;
    if (auto acceptor = try_bind(io, tcp::endpoint(ip, static_cast<unsigned short>(port)), error)) {
        return make_bound(service, address, port, "configured", std::move(*acceptor));
    }
    const std::string first_error = error.message();
    if (policy == PortFallback::next) {
        for (int candidate = port + 1; candidate < port + range && candidate <= 65535;
             ++candidate) {
            if (auto acceptor = try_bind(
                    io, tcp::endpoint(ip, static_cast<unsigned short>(candidate)), error)) {
                return make_bound(service, address, port,
                                  fmt::format("port {}: {}; port_fallback next", port, first_error),
                                  std::move(*acceptor));
            }
        }
    } else if (policy == PortFallback::any) {
        if (auto acceptor = try_bind(io, tcp::endpoint(ip, 0), error)) {
            return make_bound(service, address, port,
                              fmt::format("port {}: {}; port_fallback any", port, first_error),
                              std::move(*acceptor));
        }
    }
    throw std::runtime_error(fmt::format(
        "cannot bind the {} listener on {}:{}: {} (server.port_fallback = {}{})", service, address,
        port, first_error, port_fallback_name(policy),
        policy == PortFallback::next ? fmt::format(", tried {} ports", range) : std::string{}));
}

}  // namespace xiaozhi::server
