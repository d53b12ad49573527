// Text messages the server sends (hello, stt, llm, tts, mcp, system, alert): build and parse.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "protocol/audio_params.hpp"
#include "protocol/text_message.hpp"

namespace xiaozhi::protocol {

// The server's answer to a device hello. The device accepts it only with
// `transport` "websocket"; `audio_params` describes the downlink.
struct ServerHello {
    std::string session_id;
    std::string transport = "websocket";
    std::optional<AudioParams> audio_params;

    bool operator==(const ServerHello&) const = default;
};

// `stt`: what the user said.
struct SttMessage {
    std::string session_id;
    std::string text;

    bool operator==(const SttMessage&) const = default;
};

// `llm`: the reply's emotion (`text` is its emoji).
struct LlmMessage {
    std::string session_id;
    std::string emotion;
    std::string text;

    bool operator==(const LlmMessage&) const = default;
};

enum class TtsState { start, sentence_start, sentence_end, stop };

// "start", "sentence_start", "sentence_end", "stop".
std::string_view tts_state_name(TtsState state);

// `tts`: the downlink's framing: start, one sentence_start (with `text`) per sentence, stop.
struct TtsMessage {
    std::string session_id;
    TtsState state = TtsState::start;
    std::string text;  // sentence_start / sentence_end only; omitted when empty

    bool operator==(const TtsMessage&) const = default;
};

// `mcp` from the server: a JSON-RPC 2.0 request (tools/list, tools/call, ...) in `payload`.
struct ServerMcpMessage {
    std::string session_id;
    nlohmann::json payload;

    bool operator==(const ServerMcpMessage&) const = default;
};

// `system`: a command for the device, e.g. "reboot".
struct SystemMessage {
    std::string session_id;
    std::string command;

    bool operator==(const SystemMessage&) const = default;
};

// `alert`: a status line the device shows, with a message and an emotion.
struct AlertMessage {
    std::string session_id;
    std::string status;
    std::string message;
    std::string emotion;

    bool operator==(const AlertMessage&) const = default;
};

using ServerMessage =
    std::variant<ServerHello, SttMessage, LlmMessage, TtsMessage, ServerMcpMessage, SystemMessage,
                 AlertMessage, UnknownTypeMessage, MalformedMessage>;

// The text frame for each message: `type` first, then `session_id` (always
// present, as the device may compare it), then the fields. The hello reply also
// carries "version": 1 like the reference's.
std::string to_text(const ServerHello& hello);
std::string to_text(const SttMessage& stt);
std::string to_text(const LlmMessage& llm);
std::string to_text(const TtsMessage& tts);
std::string to_text(const ServerMcpMessage& mcp);
std::string to_text(const SystemMessage& system);
std::string to_text(const AlertMessage& alert);

// Parses a text frame from a server (for the simulator). Never throws. A hello
// without `transport` yields an empty transport, which the caller must refuse as the firmware does.
ServerMessage parse_server_message(std::string_view text);

}  // namespace xiaozhi::protocol
