// What parsing a peer's text frame yields when it is not a message this side knows.
#pragma once

#include <string>

namespace xiaozhi::protocol {

// A well-formed message whose `type` this side does not know: logged and ignored.
struct UnknownTypeMessage {
    std::string type;

    bool operator==(const UnknownTypeMessage&) const = default;
};

// A text frame that is not a valid message: not JSON, not an object, no string
// `type`, or a known type with a field of the wrong type or value. Logged and
// ignored, never fatal to the session.
struct MalformedMessage {
    std::string error;  // "not JSON", "listen.state must be one of start, stop, detect"

    bool operator==(const MalformedMessage&) const = default;
};

}  // namespace xiaozhi::protocol
