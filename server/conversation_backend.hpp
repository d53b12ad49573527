// What a device session tells a conversation backend about a listen turn, and the reply it gets
// back.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "protocol/device_message.hpp"

namespace xiaozhi::server {

// One downlink Opus packet and when it is due, in milliseconds from the start of the reply.
struct ReplyPacket {
    std::vector<std::uint8_t> opus;
    int start_ms = 0;
};

// A backend's answer to one utterance. Built once and shared immutable, so a session
// sends its packets without copying them.
struct Reply {
    std::string stt_text;       // what the user said (the `stt` message)
    std::string sentence_text;  // the `tts sentence_start` text
    std::vector<ReplyPacket> packets;
    int duration_ms = 0;  // the end of the last packet
    // What ended the utterance: "listen_stop", "silence", "max_turn_bytes", "max_turn_seconds".
    const char* ended_by = "listen_stop";
};

// The conversation behind a device session, driven from the session's executor (not
// thread-safe). Each call that can end an utterance returns the reply to play, or
// nullptr when there is nothing to say (yet).
class ConversationBackend {
  public:
    virtual ~ConversationBackend() = default;

    // `listen start`: a new turn in `mode`; anything collected before is dropped.
    virtual void listen_start(protocol::ListenMode mode) = 0;

    // One uplink Opus packet. Outside a turn it is ignored. In auto and realtime modes
    // the backend may decide the utterance ended and return its reply.
    virtual std::shared_ptr<const Reply> audio(std::span<const std::uint8_t> opus) = 0;

    // `listen stop` or a zero-length frame: the utterance ended; its reply, or nullptr
    // when no turn was open or nothing was heard.
    virtual std::shared_ptr<const Reply> end_of_utterance() = 0;

    // `abort`: the device interrupted the reply; what the turn collected so far is dropped.
    virtual void abort() = 0;

    // Whether a listen turn is open (the session's `listening` state).
    virtual bool in_turn() const = 0;
};

}  // namespace xiaozhi::server
