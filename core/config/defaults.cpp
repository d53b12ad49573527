// The built-in defaults: the reference server's values plus this project's own server keys.
#include "config/layer.hpp"

namespace xiaozhi::config {

namespace {

const Position defaults_position{"built-in defaults", 0, 0};

void set_default(Node& tree, std::string_view dotted, Node value) {
    set_path(tree, split_path(dotted), std::move(value));
}

Node text(const char* value) {
    return Node::string_at(value, defaults_position);
}
Node number(std::int64_t value) {
    return Node::integer_at(value, defaults_position);
}
Node flag(bool value) {
    return Node::boolean_at(value, defaults_position);
}

}  // namespace

Layer defaults_layer() {
    Node tree = Node::map_at(defaults_position);
    set_default(tree, "server.ip", text("0.0.0.0"));
    set_default(tree, "server.port", number(8000));
    set_default(tree, "server.http_port", number(8003));
    set_default(tree, "server.timezone_offset", number(8));
    set_default(tree, "server.auth.enabled", flag(false));
    set_default(tree, "server.auth.expire_seconds", number(2592000));
    set_default(tree, "server.port_fallback", text("fail"));
    set_default(tree, "server.port_fallback_range", number(10));
    set_default(tree, "server.state_dir", text("data/state"));
    set_default(tree, "server.firmware_dir", text("data/bin"));
    set_default(tree, "server.hello_timeout", number(10));
    set_default(tree, "server.max_connections", number(10000));
    set_default(tree, "server.max_message_size", number(65536));
    set_default(tree, "server.send_queue_limit", number(64));
    set_default(tree, "server.max_turn_bytes", number(384 * 1024));
    set_default(tree, "server.max_turn_seconds", number(60));
    set_default(tree, "server.request_head_timeout", number(10));
    set_default(tree, "server.websocket_ping_interval", number(30));
    set_default(tree, "server.tls.handshake_timeout", number(10));
    set_default(tree, "server.tls.watch_interval", number(5));
    set_default(tree, "xiaozhi.type", text("hello"));
    set_default(tree, "xiaozhi.version", number(1));
    set_default(tree, "xiaozhi.transport", text("websocket"));
    set_default(tree, "xiaozhi.audio_params.format", text("opus"));
    set_default(tree, "xiaozhi.audio_params.sample_rate", number(24000));
    set_default(tree, "xiaozhi.audio_params.channels", number(1));
    set_default(tree, "xiaozhi.audio_params.frame_duration", number(60));
    set_default(tree, "close_connection_no_voice_time", number(120));
    set_default(tree, "enable_websocket_ping", flag(false));
    set_default(tree, "echo.transcode", flag(false));
    set_default(tree, "log.log_level", text("INFO"));
    return Layer{LayerKind::defaults, "built-in defaults", std::move(tree), {}};
}

}  // namespace xiaozhi::config
