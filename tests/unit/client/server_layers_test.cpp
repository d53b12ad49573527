// Rebuilding a server's layers from GET /xiaozhi/admin/config gives back its effective config.
#include <catch2/catch.hpp>

#include <sstream>

#include "config/load.hpp"
#include "report/config_report.hpp"
#include "server_layers.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;

namespace {

nlohmann::json config_document(const config::Loaded& loaded) {
    std::ostringstream out;
    report::write_layers(out, report::Format::json, loaded.effective, {}, false);
    return nlohmann::json::parse(out.str());
}

}  // namespace

TEST_CASE("layers rebuilt from the config document merge to the same values and origins",
          "[client][layers]") {
    test::TempDir dir;
    const std::string file = dir.write("xiaozhi.toml", "[server]\nport = 8100\nhttp_port = 8103\n");
    const std::string remote =
        dir.write("remote.json", R"({"server": {"port": 8200, "websocket_version": 3}})");
    config::LoadOptions options;
    options.paths = {file};
    options.remote_file = remote;
    options.environment = {"XIAOZHI_SERVER__HTTP_PORT=8300"};
    options.assignments = {"server.port=8400"};
    const config::Loaded loaded = config::load(options);

    const config::Loaded rebuilt = client::loaded_from_config_json(config_document(loaded), "test");

    REQUIRE(rebuilt.effective.entries().size() == loaded.effective.entries().size());
    for (const config::Entry& entry : loaded.effective.entries()) {
        const config::Entry* same = rebuilt.effective.entry(entry.key);
        REQUIRE(same != nullptr);
        CHECK(config::same_value(same->value, entry.value));
        CHECK(same->origin.layer == entry.origin.layer);
        CHECK(same->origin.pos.to_string() == entry.origin.pos.to_string());
    }
    // The remote layer holds what the server's remote layer held, even where --set wins.
    const auto remote_layer = std::find_if(
        rebuilt.layers.begin(), rebuilt.layers.end(),
        [](const config::Layer& layer) { return layer.kind == config::LayerKind::remote; });
    REQUIRE(remote_layer != rebuilt.layers.end());
    const config::Node* port = remote_layer->tree.find(config::Path{"server", "port"});
    REQUIRE(port != nullptr);
    CHECK(port->integer == 8200);
    CHECK_FALSE(rebuilt.remote_is_management_api);

    // Replacing the remote layer: --set still wins for server.port, the remote value shows.
    config::Layer pushed{config::LayerKind::remote, "pushed", config::Node::map_at({}), {}};
    config::set_path(pushed.tree, {"server", "websocket_version"}, config::Node::integer_at(2, {}));
    const config::Loaded after = config::with_remote_layer(rebuilt, pushed);
    CHECK(after.effective.get_int("server.websocket_version") == 2);
    CHECK(after.effective.get_int("server.port") == 8400);
}

TEST_CASE("a management API file layer is recognised, dropped values are left out",
          "[client][layers]") {
    const nlohmann::json document = nlohmann::json::parse(R"({"values": [
      {"key": "manager-api.url", "value": "http://127.0.0.1:8002/xiaozhi",
       "origin": {"file": "config.yaml", "line": 2, "column": 8, "layer": "file"},
       "overridden": []},
      {"key": "server.port", "value": 8000,
       "origin": {"file": "config.yaml", "line": 4, "column": 9, "layer": "file"},
       "overridden": [{"value": 9000, "note": "ignored: server.port stays local",
                       "origin": {"file": "remote.json", "line": 1, "column": 1,
                                  "layer": "remote"}}]}]})");
    const config::Loaded loaded = client::loaded_from_config_json(document, "test");
    CHECK(loaded.remote_is_management_api);
    CHECK(loaded.layers.size() == 1);
    CHECK(loaded.effective.get_int("server.port") == 8000);
    CHECK(loaded.effective.origin_of("server.port").pos.to_string() == "config.yaml:4:9");
}

TEST_CASE("a document of another shape is refused", "[client][layers]") {
    CHECK_THROWS_AS(client::loaded_from_config_json(nlohmann::json::object(), "x"),
                    std::invalid_argument);
    CHECK_THROWS_AS(client::loaded_from_config_json(nlohmann::json::parse(R"({"values": [
        {"key": "a", "value": 1, "origin": {"layer": "cloud"}, "overridden": []}]})"),
                                                    "x"),
                    std::invalid_argument);
    CHECK_THROWS_AS(client::loaded_from_config_json(
                        nlohmann::json::parse(R"({"values": [{"key": "a"}]})"), "x"),
                    std::invalid_argument);
}
