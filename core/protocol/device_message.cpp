// Parsing and building of the text messages a device sends.
#include "protocol/device_message.hpp"

#include "protocol/json_input.hpp"

namespace xiaozhi::protocol {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

MalformedMessage malformed(std::string error) {
    return MalformedMessage{std::move(error)};
}

// Reads an optional string field of message `type`; false (with `error`) on a wrong type.
bool read_string(const Json& object, std::string_view type, const char* key, std::string& out,
                 std::string& error) {
    bool wrong_type = false;
    std::optional<std::string> value = string_member(object, key, wrong_type);
    if (wrong_type) {
        error = std::string(type) + "." + key + " must be a string";
        return false;
    }
    if (value) out = std::move(*value);
    return true;
}

DeviceMessage parse_hello(const Json& object) {
    DeviceHello hello;
    std::string error;
    if (const auto version = object.find("version");
        version != object.end() && !version->is_null()) {
        if (!version->is_number_integer() || *version < 0 || *version > 1000) {
            return malformed("hello.version must be a small integer");
        }
        hello.version = version->get<int>();
    }
    if (!read_string(object, "hello", "transport", hello.transport, error)) {
        return malformed(error);
    }
    if (const auto features = object.find("features");
        features != object.end() && !features->is_null()) {
        if (!features->is_object()) return malformed("hello.features must be an object");
        const auto flag = [&](const char* name) {
            const auto it = features->find(name);
            return it != features->end() && it->is_boolean() && it->get<bool>();
        };
        hello.features.mcp = flag("mcp");
        hello.features.aec = flag("aec");
    }
    if (const auto params = object.find("audio_params");
        params != object.end() && !params->is_null()) {
        hello.audio_params = audio_params_from_json(*params, AudioParams{}, &error);
        if (!hello.audio_params) return malformed("hello." + error);
    }
    return hello;
}

DeviceMessage parse_listen(const Json& object, std::string session_id) {
    ListenMessage listen;
    listen.session_id = std::move(session_id);
    std::string error;
    std::string state;
    if (!read_string(object, "listen", "state", state, error) ||
        !read_string(object, "listen", "text", listen.text, error)) {
        return malformed(error);
    }
    if (state == "start") {
        listen.state = ListenState::start;
    } else if (state == "stop") {
        listen.state = ListenState::stop;
    } else if (state == "detect") {
        listen.state = ListenState::detect;
    } else {
        return malformed("listen.state must be one of start, stop, detect");
    }
    bool mode_wrong_type = false;
    const std::optional<std::string> mode = string_member(object, "mode", mode_wrong_type);
    if (mode_wrong_type) return malformed("listen.mode must be a string");
    if (mode == "auto") {
        listen.mode = ListenMode::auto_stop;
    } else if (mode == "manual") {
        listen.mode = ListenMode::manual_stop;
    } else if (mode == "realtime") {
        listen.mode = ListenMode::realtime;
    } else if (mode) {
        return malformed("listen.mode must be one of auto, manual, realtime");
    }
    return listen;
}

DeviceMessage parse_abort(const Json& object, std::string session_id) {
    AbortMessage abort;
    abort.session_id = std::move(session_id);
    std::string error;
    if (!read_string(object, "abort", "reason", abort.reason, error)) return malformed(error);
    return abort;
}

DeviceMessage parse_mcp(const Json& object, std::string session_id) {
    const auto payload = object.find("payload");
    if (payload == object.end() || !(payload->is_object() || payload->is_array())) {
        return malformed("mcp.payload must be a JSON-RPC object");
    }
    return DeviceMcpMessage{std::move(session_id), *payload};
}

OrderedJson with_type(std::string_view type, const std::string& session_id) {
    OrderedJson json;
    json["type"] = type;
    if (!session_id.empty()) json["session_id"] = session_id;
    return json;
}

}  // namespace

std::string_view listen_state_name(ListenState state) {
    switch (state) {
        case ListenState::start:
            return "start";
        case ListenState::stop:
            return "stop";
        case ListenState::detect:
            return "detect";
    }
    return "start";
}

std::string_view listen_mode_name(ListenMode mode) {
    switch (mode) {
        case ListenMode::auto_stop:
            return "auto";
        case ListenMode::manual_stop:
            return "manual";
        case ListenMode::realtime:
            return "realtime";
    }
    return "auto";
}

DeviceMessage parse_device_message(std::string_view text) {
    std::string error;
    const std::optional<Json> object = parse_json_object(text, error);
    if (!object) return malformed(error);
    std::string type;
    std::string session_id;
    if (!read_string(*object, "message", "type", type, error)) return malformed(error);
    if (type.empty()) return malformed("no type");
    if (!read_string(*object, type, "session_id", session_id, error)) return malformed(error);

    if (type == "hello") return parse_hello(*object);
    if (type == "listen") return parse_listen(*object, std::move(session_id));
    if (type == "abort") return parse_abort(*object, std::move(session_id));
    if (type == "mcp") return parse_mcp(*object, std::move(session_id));
    if (type == "iot") return IotMessage{};
    return UnknownTypeMessage{std::move(type)};
}

std::string to_text(const DeviceHello& hello) {
    OrderedJson json = with_type("hello", "");
    json["version"] = hello.version;
    OrderedJson features = OrderedJson::object();
    if (hello.features.mcp) features["mcp"] = true;
    if (hello.features.aec) features["aec"] = true;
    json["features"] = std::move(features);
    json["transport"] = hello.transport;
    if (hello.audio_params) json["audio_params"] = to_json(*hello.audio_params);
    return dump_text(json);
}

std::string to_text(const ListenMessage& listen) {
    OrderedJson json = with_type("listen", listen.session_id);
    json["state"] = listen_state_name(listen.state);
    if (listen.mode) json["mode"] = listen_mode_name(*listen.mode);
    if (!listen.text.empty()) json["text"] = listen.text;
    return dump_text(json);
}

std::string to_text(const AbortMessage& abort) {
    OrderedJson json = with_type("abort", abort.session_id);
    if (!abort.reason.empty()) json["reason"] = abort.reason;
    return dump_text(json);
}

std::string to_text(const DeviceMcpMessage& mcp) {
    OrderedJson json = with_type("mcp", mcp.session_id);
    json["payload"] = mcp.payload;
    return dump_text(json);
}

}  // namespace xiaozhi::protocol
