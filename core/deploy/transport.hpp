// Transport protocol of a listening socket.
#pragma once

#include <optional>
#include <string_view>

namespace xiaozhi::deploy {

enum class Transport { tcp, udp };

std::string_view transport_name(Transport transport);  // "tcp", "udp"
std::optional<Transport> parse_transport(std::string_view name);

}  // namespace xiaozhi::deploy
