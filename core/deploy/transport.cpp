// Names of the transport protocols of listening sockets.
#include "deploy/transport.hpp"

namespace xiaozhi::deploy {

std::string_view transport_name(Transport transport) {
    return transport == Transport::udp ? "udp" : "tcp";
}

std::optional<Transport> parse_transport(std::string_view name) {
    if (name == "tcp" || name == "TCP") return Transport::tcp;
    if (name == "udp" || name == "UDP") return Transport::udp;
    return std::nullopt;
}

}  // namespace xiaozhi::deploy
