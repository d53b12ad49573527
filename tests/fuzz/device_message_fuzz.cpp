// Fuzz target: parse_device_message on a device's text frame; what parses survives to_text.
#include <variant>

#include "fuzz_input.hpp"
#include "protocol/device_message.hpp"

using namespace xiaozhi;

namespace {

// parse(to_text(message)) == message for the message kinds the simulator sends.
template <typename Message>
void require_round_trip(const protocol::DeviceMessage& parsed) {
    const auto* message = std::get_if<Message>(&parsed);
    if (!message) return;
    const protocol::DeviceMessage again =
        protocol::parse_device_message(protocol::to_text(*message));
    const auto* same = std::get_if<Message>(&again);
    fuzz::require(same && *same == *message, "parse(to_text(message)) is the message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const protocol::DeviceMessage parsed =
        protocol::parse_device_message(fuzz::as_text(data, size));
    require_round_trip<protocol::DeviceHello>(parsed);
    require_round_trip<protocol::ListenMessage>(parsed);
    require_round_trip<protocol::AbortMessage>(parsed);
    require_round_trip<protocol::DeviceMcpMessage>(parsed);
    return 0;
}
