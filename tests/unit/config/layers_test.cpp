// Layers: built-in defaults, environment mapping, --set parsing, the management-API remote layer.
#include <catch2/catch.hpp>

#include "config/input_error.hpp"
#include "config/layer.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi::config;
using xiaozhi::test::TempDir;

namespace {

const Node* at(const Layer& layer, std::string_view dotted) {
    return layer.tree.find(split_path(dotted));
}

}  // namespace

TEST_CASE("Layer kinds have their short names") {
    CHECK(layer_kind_name(LayerKind::defaults) == "default");
    CHECK(layer_kind_name(LayerKind::file) == "file");
    CHECK(layer_kind_name(LayerKind::remote) == "remote");
    CHECK(layer_kind_name(LayerKind::environment) == "env");
    CHECK(layer_kind_name(LayerKind::command_line) == "set");
}

TEST_CASE("Built-in defaults") {
    const Layer layer = defaults_layer();
    CHECK(layer.kind == LayerKind::defaults);
    CHECK(layer.source == "built-in defaults");
    REQUIRE(at(layer, "server.port") != nullptr);
    CHECK(at(layer, "server.port")->integer == 8000);
    CHECK(at(layer, "server.port")->pos.file == "built-in defaults");
    CHECK(at(layer, "server.port")->pos.line == 0);
    CHECK(at(layer, "server.http_port")->integer == 8003);
    CHECK(at(layer, "server.ip")->text == "0.0.0.0");
    CHECK(at(layer, "server.timezone_offset")->integer == 8);
    CHECK(at(layer, "server.auth.enabled")->kind == Kind::boolean);
    CHECK(at(layer, "server.auth.expire_seconds")->integer == 2592000);
    CHECK(at(layer, "server.port_fallback")->text == "fail");
    CHECK(at(layer, "server.port_fallback_range")->integer == 10);
    CHECK(at(layer, "server.state_dir")->text == "data/state");
    CHECK(at(layer, "server.firmware_dir")->text == "data/bin");
    CHECK(at(layer, "server.hello_timeout")->integer == 10);
    CHECK(at(layer, "server.max_connections")->integer == 10000);
    CHECK(at(layer, "server.max_message_size")->integer == 65536);
    CHECK(at(layer, "server.send_queue_limit")->integer == 64);
    CHECK(at(layer, "xiaozhi.audio_params.format")->text == "opus");
    CHECK(at(layer, "xiaozhi.audio_params.sample_rate")->integer == 24000);
    CHECK(at(layer, "xiaozhi.audio_params.channels")->integer == 1);
    CHECK(at(layer, "xiaozhi.audio_params.frame_duration")->integer == 60);
    CHECK(at(layer, "close_connection_no_voice_time")->integer == 120);
    CHECK(at(layer, "enable_websocket_ping")->kind == Kind::boolean);
    CHECK(at(layer, "echo.transcode")->kind == Kind::boolean);
    CHECK(at(layer, "log.log_level")->text == "INFO");
    CHECK(at(layer, "server.websocket") == nullptr);
}

TEST_CASE("Environment variables map onto config keys") {
    const Layer layer = environment_layer({
        "XIAOZHI_SERVER__PORT=8100",
        "XIAOZHI_MANAGER_API__URL=http://api:8002/xiaozhi",
        "XIAOZHI_SERVER__AUTH__ENABLED=true",
        "XIAOZHI_SERVER__HTTP_PORT=8200",
        "XIAOZHI_LLM__CHATGLMLLM__MODEL_NAME=glm",
        "XIAOZHI_ADMIN_TOKEN=abc",
        "XIAOZHI_SERVER=ignored",
        "XIAOZHI_SERVER____PORT=1",
        "HOME=/root",
        "PATH",
    });
    CHECK(layer.kind == LayerKind::environment);
    const Node* port = at(layer, "server.port");
    REQUIRE(port != nullptr);
    CHECK(port->kind == Kind::integer);
    CHECK(port->integer == 8100);
    CHECK(port->pos.file == "XIAOZHI_SERVER__PORT");
    CHECK(port->pos.line == 0);
    REQUIRE(at(layer, "manager-api.url") != nullptr);
    CHECK(at(layer, "manager-api.url")->text == "http://api:8002/xiaozhi");
    CHECK(at(layer, "manager_api") == nullptr);
    CHECK(at(layer, "server.auth.enabled")->boolean);
    CHECK(at(layer, "server.http_port")->integer == 8200);
    CHECK(at(layer, "LLM.chatglmllm.model_name") != nullptr);
    CHECK(layer.tree.find("admin_token") == nullptr);
    CHECK(layer.tree.entries.size() == 3);
}

TEST_CASE("Environment without XIAOZHI_ variables is an empty layer") {
    CHECK(environment_layer({"HOME=/root", "xiaozhi_server__port=1"}).tree.entries.empty());
}

TEST_CASE("Assignments given with --set") {
    const Layer layer = command_line_layer(
        {"server.port=8100", "server.websocket=ws://h:8100/x/", "server.port=8200", "a.b="});
    CHECK(layer.kind == LayerKind::command_line);
    const Node* port = at(layer, "server.port");
    REQUIRE(port != nullptr);
    CHECK(port->kind == Kind::integer);
    CHECK(port->integer == 8200);
    CHECK(port->pos.file == "--set server.port=8200");
    CHECK(at(layer, "server.websocket")->text == "ws://h:8100/x/");
    CHECK(at(layer, "a.b")->kind == Kind::null);
}

TEST_CASE(
    "A --set argument without '=' or with an empty key is an InputError naming the argument") {
    CHECK_THROWS_WITH(command_line_layer({"server.port"}),
                      "--set server.port: expected key=value, got 'server.port'");
    CHECK_THROWS_WITH(command_line_layer({"=8000"}), Catch::Contains("'=8000'"));
    CHECK_THROWS_AS(command_line_layer({"server..port=1"}), InputError);
    CHECK_NOTHROW(command_line_layer({"server.port=1"}));
}

TEST_CASE("A remote layer from the management API keeps the local server keys") {
    TempDir dir;
    const std::string path = dir.write("remote.yaml",
                                       "server:\n"
                                       "  port: 9000\n"
                                       "  ip: 10.0.0.1\n"
                                       "  websocket: ws://remote:9000/xiaozhi/v1/\n"
                                       "selected_module:\n"
                                       "  ASR: FunASR\n");
    const Layer managed = remote_layer(path, true);
    CHECK(managed.kind == LayerKind::remote);
    CHECK(at(managed, "server.port") == nullptr);
    CHECK(at(managed, "server.ip") == nullptr);
    CHECK(at(managed, "server.websocket") != nullptr);
    REQUIRE(managed.dropped.size() == 2);
    CHECK(managed.dropped[0].path == Path{"server", "ip"});
    CHECK(managed.dropped[1].path == Path{"server", "port"});
    CHECK(managed.dropped[1].value.integer == 9000);
    CHECK(managed.dropped[1].reason.find("stays local") != std::string::npos);

    const Layer plain = remote_layer(path, false);
    CHECK(at(plain, "server.port")->integer == 9000);
    CHECK(plain.dropped.empty());
    CHECK(management_api_local_keys().size() == 5);
}
