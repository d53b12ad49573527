// Building and parsing of the text messages the server sends.
#include "protocol/server_message.hpp"

#include "protocol/json_input.hpp"

namespace xiaozhi::protocol {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

OrderedJson with_type(std::string_view type, const std::string& session_id) {
    OrderedJson json;
    json["type"] = type;
    json["session_id"] = session_id;
    return json;
}

// Reads optional string fields of one message, remembering the first wrong type as an error.
class StringFields {
  public:
    StringFields(const Json& object, std::string_view type) : object_(object), type_(type) {}

    StringFields& read(const char* key, std::string& out) {
        if (!error_.empty()) return *this;
        bool wrong_type = false;
        std::optional<std::string> value = string_member(object_, key, wrong_type);
        if (wrong_type) {
            error_ = std::string(type_) + "." + key + " must be a string";
        } else if (value) {
            out = std::move(*value);
        }
        return *this;
    }

    const std::string& error() const { return error_; }

  private:
    const Json& object_;
    std::string_view type_;
    std::string error_;
};

std::optional<TtsState> tts_state_of(std::string_view name) {
    for (TtsState state :
         {TtsState::start, TtsState::sentence_start, TtsState::sentence_end, TtsState::stop}) {
        if (tts_state_name(state) == name) return state;
    }
    return std::nullopt;
}

ServerMessage parse_hello(const Json& object, std::string session_id) {
    ServerHello hello;
    hello.session_id = std::move(session_id);
    hello.transport.clear();
    StringFields fields(object, "hello");
    if (!fields.read("transport", hello.transport).error().empty()) {
        return MalformedMessage{fields.error()};
    }
    if (const auto params = object.find("audio_params");
        params != object.end() && !params->is_null()) {
        std::string error;
        hello.audio_params = audio_params_from_json(*params, default_server_audio_params(), &error);
        if (!hello.audio_params) return MalformedMessage{"hello." + error};
    }
    return hello;
}

ServerMessage parse_tts(const Json& object, std::string session_id) {
    TtsMessage tts;
    tts.session_id = std::move(session_id);
    std::string state;
    StringFields fields(object, "tts");
    if (!fields.read("state", state).read("text", tts.text).error().empty()) {
        return MalformedMessage{fields.error()};
    }
    const std::optional<TtsState> parsed = tts_state_of(state);
    if (!parsed) {
        return MalformedMessage{
            "tts.state must be one of start, sentence_start, sentence_end, stop"};
    }
    tts.state = *parsed;
    return tts;
}

// `fields` are pairs of (key, member of Message) read as optional strings.
template <typename Message, typename... Fields>
ServerMessage parse_strings(const Json& object, std::string_view type, Message message,
                            Fields... fields) {
    StringFields reader(object, type);
    (reader.read(fields.first, message.*(fields.second)), ...);
    if (!reader.error().empty()) return MalformedMessage{reader.error()};
    return message;
}

}  // namespace

std::string_view tts_state_name(TtsState state) {
    switch (state) {
        case TtsState::start:
            return "start";
        case TtsState::sentence_start:
            return "sentence_start";
        case TtsState::sentence_end:
            return "sentence_end";
        case TtsState::stop:
            return "stop";
    }
    return "stop";
}

std::string to_text(const ServerHello& hello) {
    OrderedJson json = with_type("hello", hello.session_id);
    json["version"] = 1;
    json["transport"] = hello.transport;
    if (hello.audio_params) json["audio_params"] = to_json(*hello.audio_params);
    return dump_text(json);
}

std::string to_text(const SttMessage& stt) {
    OrderedJson json = with_type("stt", stt.session_id);
    json["text"] = stt.text;
    return dump_text(json);
}

std::string to_text(const LlmMessage& llm) {
    OrderedJson json = with_type("llm", llm.session_id);
    json["emotion"] = llm.emotion;
    json["text"] = llm.text;
    return dump_text(json);
}

std::string to_text(const TtsMessage& tts) {
    OrderedJson json = with_type("tts", tts.session_id);
    json["state"] = tts_state_name(tts.state);
    if (!tts.text.empty()) json["text"] = tts.text;
    return dump_text(json);
}

std::string to_text(const ServerMcpMessage& mcp) {
    OrderedJson json = with_type("mcp", mcp.session_id);
    json["payload"] = mcp.payload;
    return dump_text(json);
}

std::string to_text(const SystemMessage& system) {
    OrderedJson json = with_type("system", system.session_id);
    json["command"] = system.command;
    return dump_text(json);
}

std::string to_text(const AlertMessage& alert) {
    OrderedJson json = with_type("alert", alert.session_id);
    json["status"] = alert.status;
    json["message"] = alert.message;
    json["emotion"] = alert.emotion;
    return dump_text(json);
}

ServerMessage parse_server_message(std::string_view text) {
    std::string error;
    const std::optional<Json> object = parse_json_object(text, error);
    if (!object) return MalformedMessage{error};
    std::string type;
    std::string session_id;
    StringFields fields(*object, "message");
    if (!fields.read("type", type).read("session_id", session_id).error().empty()) {
        return MalformedMessage{fields.error()};
    }
    if (type.empty()) return MalformedMessage{"no type"};

    if (type == "hello") return parse_hello(*object, std::move(session_id));
    if (type == "tts") return parse_tts(*object, std::move(session_id));
    if (type == "stt") {
        return parse_strings(*object, type, SttMessage{std::move(session_id), {}},
                             std::pair{"text", &SttMessage::text});
    }
    if (type == "llm") {
        return parse_strings(*object, type, LlmMessage{std::move(session_id), {}, {}},
                             std::pair{"emotion", &LlmMessage::emotion},
                             std::pair{"text", &LlmMessage::text});
    }
    if (type == "system") {
        return parse_strings(*object, type, SystemMessage{std::move(session_id), {}},
                             std::pair{"command", &SystemMessage::command});
    }
    if (type == "alert") {
        return parse_strings(*object, type, AlertMessage{std::move(session_id), {}, {}, {}},
                             std::pair{"status", &AlertMessage::status},
                             std::pair{"message", &AlertMessage::message},
                             std::pair{"emotion", &AlertMessage::emotion});
    }
    if (type == "mcp") {
        const auto payload = object->find("payload");
        if (payload == object->end() || !(payload->is_object() || payload->is_array())) {
            return MalformedMessage{"mcp.payload must be a JSON-RPC object"};
        }
        return ServerMcpMessage{std::move(session_id), *payload};
    }
    return UnknownTypeMessage{std::move(type)};
}

}  // namespace xiaozhi::protocol
