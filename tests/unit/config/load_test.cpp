// load(): folders, files, compose files, remote with the management-API rule, env and --set.
#include <catch2/catch.hpp>

#include "config/input_error.hpp"
#include "config/load.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi::config;
using xiaozhi::test::TempDir;

TEST_CASE("A xiaozhi-server folder: config.yaml then data/.config.yaml") {
    LoadOptions options;
    options.paths = {XIAOZHI_FIXTURES "/single-module"};
    const Loaded loaded = load(options);
    CHECK(loaded.python_layout);
    CHECK_FALSE(loaded.remote_is_management_api);
    REQUIRE(loaded.layers.size() == 3);
    CHECK(loaded.layers[0].kind == LayerKind::defaults);
    CHECK(loaded.layers[1].source == XIAOZHI_FIXTURES "/single-module/config.yaml");
    CHECK(loaded.layers[2].source == XIAOZHI_FIXTURES "/single-module/data/.config.yaml");
    CHECK(loaded.compose.empty());
    const Entry* websocket = loaded.effective.entry("server.websocket");
    REQUIRE(websocket != nullptr);
    CHECK(websocket->value.text == "ws://192.168.1.20:8000/xiaozhi/v1/");
    CHECK(websocket->origin.layer == "file");
    CHECK(websocket->origin.pos.file == XIAOZHI_FIXTURES "/single-module/data/.config.yaml");
    CHECK(websocket->origin.pos.line == 2);
    CHECK(websocket->origin.pos.column == 14);
    REQUIRE(websocket->overridden.size() == 1);
    CHECK(websocket->overridden[0].origin.pos.line == 8);
    CHECK(loaded.effective.get_int("server.timezone_offset") == 8);
    CHECK(loaded.effective.origin_of("server.timezone_offset").pos.line == 10);
    const Node* devices = loaded.effective.get("server.auth.allowed_devices");
    REQUIRE(devices != nullptr);
    CHECK(devices->items.at(0).kind == Kind::string);
    CHECK(loaded.effective.get_int("server.hello_timeout") == 10);
}

TEST_CASE("The reference layout loads without error") {
    LoadOptions options;
    options.paths = {XIAOZHI_FIXTURES "/reference-layout"};
    const Loaded loaded = load(options);
    REQUIRE(loaded.layers.size() == 3);
    CHECK(loaded.layers[2].tree.entries.empty());
    CHECK(loaded.effective.get("selected_module.ASR") != nullptr);
    const Node* devices = loaded.effective.get("server.auth.allowed_devices");
    REQUIRE(devices != nullptr);
    CHECK(devices->items.at(0).text == "11:22:33:44:55:66");
}

TEST_CASE("Compose files beside config.yaml are parsed") {
    LoadOptions options;
    options.paths = {XIAOZHI_FIXTURES "/compose-published"};
    const Loaded loaded = load(options);
    REQUIRE(loaded.compose.size() == 1);
    CHECK(loaded.compose[0].label == "docker-compose.yml");
    REQUIRE(loaded.compose[0].files.size() == 1);
    const ComposeFile& file = loaded.compose[0].files[0];
    CHECK(file.path == XIAOZHI_FIXTURES "/compose-published/docker-compose.yml");
    const Node* ports = file.tree.find(Path{"services", "xiaozhi-esp32-server", "ports"});
    REQUIRE(ports != nullptr);
    CHECK(ports->items.at(0).text == "18000:8000");
    CHECK(ports->items.at(0).pos.line == 6);
}

TEST_CASE(
    "The default compose project takes its override, every other compose file is a project of its "
    "own") {
    TempDir dir;
    dir.write("config.yaml", "server:\n  port: 8000\n");
    dir.write("docker-compose.yml", "services: {}\n");
    dir.write("compose.yaml", "services: {}\n");
    dir.write("docker-compose.override.yml", "services: {}\n");
    dir.write("compose-notes.txt", "x");
    dir.write("docker-compose_all.yml", "services: {}\n");
    dir.write("my-compose.yml", "services: {}\n");
    LoadOptions options;
    options.paths = {dir.path()};
    const Loaded loaded = load(options);
    REQUIRE(loaded.compose.size() == 4);
    CHECK(loaded.compose[0].label == "compose.yaml + docker-compose.override.yml");
    REQUIRE(loaded.compose[0].files.size() == 2);
    CHECK(loaded.compose[0].files[0].path == dir.path() + "/compose.yaml");
    CHECK(loaded.compose[0].files[1].path == dir.path() + "/docker-compose.override.yml");
    CHECK(loaded.compose[1].label == "docker-compose.yml");
    CHECK(loaded.compose[2].label == "docker-compose_all.yml");
    CHECK(loaded.compose[3].label == "my-compose.yml");
    for (std::size_t i = 1; i < 4; ++i) CHECK(loaded.compose[i].files.size() == 1);
}

TEST_CASE("The compose option names exactly one project and no-compose none") {
    TempDir dir;
    dir.write("config.yaml", "server:\n  port: 8000\n");
    dir.write("docker-compose.yml", "services: {}\n");
    dir.write("docker-compose-vps.yml", "services: {}\n");
    dir.write("extra.yml", "services: {}\n");
    LoadOptions options;
    options.paths = {dir.path()};
    options.compose_files = {dir.path() + "/docker-compose-vps.yml", dir.path() + "/extra.yml"};
    Loaded loaded = load(options);
    REQUIRE(loaded.compose.size() == 1);
    CHECK(loaded.compose[0].label == "docker-compose-vps.yml + extra.yml");
    CHECK(loaded.compose[0].files.size() == 2);

    options.compose_files.clear();
    options.no_compose = true;
    loaded = load(options);
    CHECK(loaded.compose.empty());

    options.no_compose = false;
    options.compose_files = {dir.path() + "/missing.yml"};
    CHECK_THROWS_AS(load(options), InputError);
}

TEST_CASE(
    "Management-API mode: config.yaml is not read, and data/.config.yaml only for the keys the "
    "reference keeps") {
    TempDir dir;
    dir.write("config.yaml",
              "server:\n  port: 9999\n  websocket: ws://10.0.0.1:9999/xiaozhi/v1/\n"
              "log:\n  log_level: DEBUG\n");
    dir.write("data/.config.yaml",
              "manager-api:\n  url: http://xiaozhi-esp32-server-web:8002/xiaozhi\n"
              "  secret: 0f8e3c1a-4b7d\n"
              "server:\n  port: 8100\n  websocket: ws://192.168.1.5:8100/xiaozhi/v1/\n"
              "  auth:\n    enabled: true\n"
              "selected_module:\n  LLM: ChatGLMLLM\n");
    LoadOptions options;
    options.paths = {dir.path()};
    const Loaded loaded = load(options);
    CHECK(loaded.management_api.active);
    CHECK(loaded.remote_is_management_api);
    CHECK(loaded.effective.get_int("server.port") == 8100);
    CHECK_FALSE(loaded.effective.get("server.websocket"));
    CHECK(loaded.effective.origin_of("server.auth.enabled").layer == "default");
    CHECK_FALSE(loaded.effective.get("selected_module.LLM"));
    CHECK(loaded.effective.get_string("log.log_level") != "DEBUG");
    for (const Layer& layer : loaded.layers) CHECK(layer.source != dir.path() + "/config.yaml");
    REQUIRE(loaded.management_api.ignored.size() == 3);
    CHECK(loaded.management_api.ignored[0].key == "server.websocket");
    CHECK(loaded.management_api.ignored[0].pos.line == 6);
    CHECK(loaded.management_api.ignored[1].key == "server.auth.enabled");
    CHECK(loaded.management_api.ignored[2].key == "selected_module");
}

TEST_CASE("manager-api.url in config.yaml alone is not management-API mode") {
    TempDir dir;
    dir.write("config.yaml", "manager-api:\n  url: http://127.0.0.1:8002/xiaozhi\n");
    dir.write("data/.config.yaml", "server:\n  port: 8100\n");
    LoadOptions options;
    options.paths = {dir.path()};
    const Loaded loaded = load(options);
    CHECK_FALSE(loaded.management_api.active);
    CHECK_FALSE(loaded.remote_is_management_api);
}

TEST_CASE("Firmware images of data/bin follow the reference's naming rule") {
    TempDir dir;
    dir.write("config.yaml", "server:\n  port: 8000\n");
    dir.write("data/bin/bread-compact-wifi_1.6.2.bin", "x");
    dir.write("data/bin/esp-box_v2.bin", "x");
    dir.write("data/bin/notes.txt", "x");
    dir.write("data/bin/lichuang_dev_2.0.0-beta_1.bin", "x");
    LoadOptions options;
    options.paths = {dir.path()};
    const Loaded loaded = load(options);
    CHECK(loaded.firmware_files == std::vector<std::string>{"bread-compact-wifi_1.6.2.bin",
                                                            "lichuang_dev_2.0.0-beta_1.bin"});
}

TEST_CASE("A folder without a config file is an InputError") {
    TempDir dir;
    dir.write("README", "x");
    LoadOptions options;
    options.paths = {dir.path()};
    CHECK_THROWS_WITH(load(options),
                      dir.path() + ": no config.yaml or xiaozhi.toml in " + dir.path());
}

TEST_CASE("A folder with only xiaozhi.toml uses it") {
    TempDir dir;
    dir.write("xiaozhi.toml", "[server]\nport = 8100\n");
    LoadOptions options;
    options.paths = {dir.path()};
    const Loaded loaded = load(options);
    CHECK_FALSE(loaded.python_layout);
    CHECK(loaded.effective.get_int("server.port") == 8100);
    CHECK(discover_inputs(dir.path()) == std::vector<std::string>{dir.path() + "/xiaozhi.toml"});
}

TEST_CASE("discover_inputs") {
    CHECK(discover_inputs(XIAOZHI_FIXTURES "/single-module") ==
          std::vector<std::string>{XIAOZHI_FIXTURES "/single-module"});
    CHECK(discover_inputs(XIAOZHI_FIXTURES "/native-toml") ==
          std::vector<std::string>{XIAOZHI_FIXTURES "/native-toml/xiaozhi.toml"});
    TempDir dir;
    CHECK(discover_inputs(dir.path()).empty());
    dir.write("xiaozhi.json", "{}");
    CHECK(discover_inputs(dir.path()) == std::vector<std::string>{dir.path() + "/xiaozhi.json"});
}

TEST_CASE("Files in the order given, python layout from the extension") {
    TempDir dir;
    const std::string first = dir.write("a.toml", "[server]\nport = 8100\nhttp_port = 8101\n");
    const std::string second = dir.write("b.json", "{\"server\": {\"port\": 8200}}");
    LoadOptions options;
    options.paths = {first, second};
    options.with_defaults = false;
    const Loaded toml_then_json = load(options);
    CHECK_FALSE(toml_then_json.python_layout);
    CHECK(toml_then_json.layers.size() == 2);
    CHECK(toml_then_json.effective.get_int("server.port") == 8200);
    CHECK(toml_then_json.effective.get_int("server.http_port") == 8101);
    CHECK(toml_then_json.effective.get("server.hello_timeout") == nullptr);

    options.paths = {dir.write("c.yml", "server:\n  port: 1\n")};
    CHECK(load(options).python_layout);
}

TEST_CASE("A missing input file is an InputError") {
    LoadOptions options;
    options.paths = {"/nonexistent/xiaozhi.toml"};
    CHECK_THROWS_AS(load(options), InputError);
}

TEST_CASE("Remote, environment and --set stack on top of the files") {
    TempDir dir;
    const std::string local = dir.write("config.yaml", "server:\n  port: 8000\n  ip: 1.2.3.4\n");
    const std::string remote =
        dir.write("remote.yaml", "server:\n  port: 9000\n  http_port: 9003\n");
    LoadOptions options;
    options.paths = {local};
    options.remote_file = remote;
    options.environment = {"XIAOZHI_SERVER__HTTP_PORT=9100", "PATH=/bin"};
    options.assignments = {"server.ip=5.6.7.8"};
    const Loaded loaded = load(options);
    REQUIRE(loaded.layers.size() == 5);
    CHECK(loaded.layers[2].kind == LayerKind::remote);
    CHECK(loaded.layers[3].kind == LayerKind::environment);
    CHECK(loaded.layers[4].kind == LayerKind::command_line);
    CHECK(loaded.effective.get_int("server.port") == 9000);
    CHECK(loaded.effective.get_int("server.http_port") == 9100);
    CHECK(loaded.effective.get_string("server.ip") == "5.6.7.8");
    CHECK(loaded.effective.origin_of("server.ip").to_string() == "--set server.ip=5.6.7.8");
}

TEST_CASE("Management API rule: with manager-api.url set locally, server.port stays local") {
    TempDir dir;
    const std::string local = dir.write("config.yaml",
                                        "server:\n"
                                        "  port: 8000\n"
                                        "manager-api:\n"
                                        "  url: http://127.0.0.1:8002/xiaozhi\n"
                                        "  secret: s\n");
    const std::string remote = dir.write("remote.yaml",
                                         "server:\n"
                                         "  port: 9000\n"
                                         "  websocket: ws://10.0.0.5:8000/xiaozhi/v1/\n");
    LoadOptions options;
    options.paths = {local};
    options.remote_file = remote;
    const Loaded loaded = load(options);
    CHECK(loaded.remote_is_management_api);
    CHECK(loaded.effective.get_int("server.port") == 8000);
    CHECK(loaded.effective.get_string("server.websocket") == "ws://10.0.0.5:8000/xiaozhi/v1/");
    const Entry* port = loaded.effective.entry("server.port");
    REQUIRE(port != nullptr);
    CHECK(port->origin.to_string() == local + ":2:9");
    REQUIRE(port->overridden.size() == 2);
    CHECK(port->overridden[0].origin.layer == "remote");
    CHECK(port->overridden[0].value.integer == 9000);
    CHECK(port->overridden[0].note.find("stays local when manager-api.url is set") !=
          std::string::npos);
    CHECK(port->overridden[1].origin.layer == "default");
}

TEST_CASE("Management API rule: without manager-api.url the remote port wins") {
    TempDir dir;
    const std::string local = dir.write("config.yaml",
                                        "server:\n"
                                        "  port: 8000\n"
                                        "manager-api:\n"
                                        "  url: ''\n");
    const std::string remote = dir.write("remote.yaml", "server:\n  port: 9000\n");
    LoadOptions options;
    options.paths = {local};
    options.remote_file = remote;
    const Loaded loaded = load(options);
    CHECK_FALSE(loaded.remote_is_management_api);
    CHECK(loaded.effective.get_int("server.port") == 9000);
    const Entry* port = loaded.effective.entry("server.port");
    REQUIRE(port != nullptr);
    CHECK(port->origin.layer == "remote");
    REQUIRE(port->overridden.size() == 2);
    CHECK(port->overridden[0].note.empty());
    CHECK(port->overridden[0].value.integer == 8000);
}

TEST_CASE("Invalid environment and --set input surfaces as InputError") {
    LoadOptions options;
    options.assignments = {"server.port"};
    CHECK_THROWS_AS(load(options), InputError);
}

TEST_CASE("with_remote_layer replaces the remote layer below the environment and --set") {
    TempDir dir;
    LoadOptions options;
    options.paths = {dir.write("xiaozhi.toml", "[server]\nport = 8000\nhttp_port = 8003\n")};
    options.remote_file = dir.write("remote-1.json", R"({"server": {"port": 8100}})");
    options.assignments = {"server.http_port=8200"};
    const Loaded first = load(options);
    REQUIRE(first.effective.get_int("server.port") == 8100);

    Layer second{LayerKind::remote, "remote-2", Node::map_at(Position{"remote-2", 0, 0}), {}};
    set_path(second.tree, split_path("server.port"),
             Node::integer_at(8200, Position{"remote-2", 1, 1}));
    set_path(second.tree, split_path("server.http_port"),
             Node::integer_at(8300, Position{"remote-2", 2, 1}));
    const Loaded replaced = with_remote_layer(first, second);
    CHECK(replaced.effective.get_int("server.port") == 8200);
    CHECK(replaced.effective.origin_of("server.port").pos.file == "remote-2");
    CHECK(replaced.effective.get_int("server.http_port") == 8200);  // --set still wins
    CHECK(std::count_if(replaced.layers.begin(), replaced.layers.end(),
                        [](const Layer& layer) { return layer.kind == LayerKind::remote; }) == 1);

    const Loaded removed = with_remote_layer(replaced, std::nullopt);
    CHECK(removed.effective.get_int("server.port") == 8000);
    CHECK(std::none_of(removed.layers.begin(), removed.layers.end(),
                       [](const Layer& layer) { return layer.kind == LayerKind::remote; }));
}
