// Text messages a device sends (hello, listen, abort, mcp, iot): typed form, parsing and building.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "protocol/audio_params.hpp"
#include "protocol/text_message.hpp"

namespace xiaozhi::protocol {

// `features` of a device hello.
struct HelloFeatures {
    bool mcp = false;
    bool aec = false;

    bool operator==(const HelloFeatures&) const = default;
};

// The device's first message. Every field is optional on the wire: browser test
// clients send only `type` and `features`, so absent fields take these defaults.
struct DeviceHello {
    int version = 1;
    std::string transport = "websocket";
    HelloFeatures features;
    std::optional<AudioParams> audio_params;  // absent: the device's uplink default, AudioParams{}

    bool operator==(const DeviceHello&) const = default;
};

enum class ListenState { start, stop, detect };
// "auto", "manual" and "realtime" on the wire.
enum class ListenMode { auto_stop, manual_stop, realtime };

std::string_view listen_state_name(ListenState state);  // "start", "stop", "detect"
std::string_view listen_mode_name(ListenMode mode);     // "auto", "manual", "realtime"

// `listen`: the device starts or stops streaming audio, or reports a wake word (`detect`, with
// `text`).
struct ListenMessage {
    std::string session_id;
    ListenState state = ListenState::start;
    std::optional<ListenMode> mode;
    std::string text;  // the wake word of `detect`; empty otherwise

    bool operator==(const ListenMessage&) const = default;
};

// `abort`: stop the downlink now (`reason` e.g. "wake_word_detected", may be empty).
struct AbortMessage {
    std::string session_id;
    std::string reason;

    bool operator==(const AbortMessage&) const = default;
};

// `mcp` from the device: a JSON-RPC 2.0 object (or batch array) in `payload`.
struct DeviceMcpMessage {
    std::string session_id;
    nlohmann::json payload;

    bool operator==(const DeviceMcpMessage&) const = default;
};

// `iot`: legacy descriptors and states, accepted and ignored.
struct IotMessage {
    bool operator==(const IotMessage&) const = default;
};

using DeviceMessage = std::variant<DeviceHello, ListenMessage, AbortMessage, DeviceMcpMessage,
                                   IotMessage, UnknownTypeMessage, MalformedMessage>;

// Parses a text frame from a device. Never throws: anything that is not a valid
// message becomes UnknownTypeMessage or MalformedMessage. Unknown fields are ignored.
DeviceMessage parse_device_message(std::string_view text);

// The text frame a device sends for each message, as the firmware writes it
// (`type` first; absent optional fields omitted). The simulator sends these.
std::string to_text(const DeviceHello& hello);
std::string to_text(const ListenMessage& listen);
std::string to_text(const AbortMessage& abort);
std::string to_text(const DeviceMcpMessage& mcp);

}  // namespace xiaozhi::protocol
