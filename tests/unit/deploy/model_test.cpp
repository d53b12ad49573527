// Tests of the deployment model: listeners, advertised URLs and published ports.
#include <catch2/catch.hpp>

#include "config/load.hpp"
#include "config/parse.hpp"
#include "deploy/model.hpp"

using namespace xiaozhi;
using deploy::Model;
using deploy::Runtime;

namespace {

config::Effective effective_from_yaml(const std::string& yaml) {
    config::Layer layer;
    layer.kind = config::LayerKind::file;
    layer.source = "test.yaml";
    layer.tree = config::parse_text(yaml, config::Syntax::yaml, "test.yaml");
    return config::Effective::merge({layer});
}

Model model_from_yaml(const std::string& yaml, Runtime runtime) {
    return deploy::build_model(effective_from_yaml(yaml), nullptr, runtime);
}

config::Loaded load_fixture(const std::string& name) {
    config::LoadOptions options;
    options.paths = {std::string(XIAOZHI_FIXTURES) + "/" + name};
    return config::load(options);
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const deploy::Listener* find_listener(const Model& model, const std::string& service) {
    for (const deploy::Listener& listener : model.listeners) {
        if (listener.service == service) return &listener;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("names of runtimes and URL kinds") {
    CHECK(deploy::runtime_name(Runtime::python) == "python");
    CHECK(deploy::runtime_name(Runtime::xiaozhi) == "xiaozhi");
    CHECK(deploy::url_kind_name(deploy::UrlKind::websocket) == "websocket");
    CHECK(deploy::url_kind_name(deploy::UrlKind::vision) == "vision");
    CHECK(deploy::url_kind_name(deploy::UrlKind::ota) == "ota");
    CHECK(deploy::url_kind_name(deploy::UrlKind::mqtt_gateway) == "mqtt");
    CHECK(deploy::url_kind_name(deploy::UrlKind::udp_gateway) == "udp");
    CHECK(deploy::transport_name(deploy::Transport::tcp) == "tcp");
    CHECK(deploy::transport_name(deploy::Transport::udp) == "udp");
    CHECK(deploy::parse_transport("udp") == deploy::Transport::udp);
    CHECK(deploy::parse_transport("TCP") == deploy::Transport::tcp);
    CHECK_FALSE(deploy::parse_transport("sctp"));
}

TEST_CASE("single-module fixture: two listeners and the advertised URLs with their origins") {
    config::Loaded loaded = load_fixture("single-module");
    Model model = deploy::build_models(loaded, Runtime::python).front();
    CHECK(model.runtime == Runtime::python);
    REQUIRE(model.listeners.size() == 2);

    const deploy::Listener& websocket = model.listeners[0];
    CHECK(websocket.service == "websocket");
    CHECK(websocket.transport == deploy::Transport::tcp);
    CHECK(websocket.address == "0.0.0.0");
    CHECK(websocket.port == 8000);
    CHECK(websocket.key == "server.port");
    CHECK(websocket.origin.layer == "file");
    CHECK(ends_with(websocket.origin.pos.file, "single-module/config.yaml"));
    CHECK(websocket.origin.pos.line == 4);

    const deploy::Listener& http = model.listeners[1];
    CHECK(http.service == "http");
    CHECK(http.port == 8003);
    CHECK(http.key == "server.http_port");
    CHECK(http.origin.pos.line == 5);

    REQUIRE(model.advertised.size() == 2);
    const deploy::AdvertisedUrl& websocket_url = model.advertised[0];
    CHECK(websocket_url.kind == deploy::UrlKind::websocket);
    CHECK(websocket_url.text == "ws://192.168.1.20:8000/xiaozhi/v1/");
    CHECK(websocket_url.key == "server.websocket");
    CHECK(websocket_url.index == -1);
    CHECK(websocket_url.list_size == 1);
    CHECK(ends_with(websocket_url.origin.pos.file, "data/.config.yaml"));
    CHECK(websocket_url.origin.pos.line == 2);

    const deploy::AdvertisedUrl& vision = model.advertised[1];
    CHECK(vision.kind == deploy::UrlKind::vision);
    CHECK(vision.text == "http://你的ip或者域名:端口号/mcp/vision/explain");
    CHECK(vision.key == "server.vision_explain");
    CHECK(ends_with(vision.origin.pos.file, "single-module/config.yaml"));
    CHECK(vision.origin.pos.line == 9);
    CHECK(model.published.empty());
}

TEST_CASE("native-toml fixture: one shared listener for serve, two for the python runtime") {
    config::Loaded loaded = load_fixture("native-toml/xiaozhi.toml");

    Model shared = deploy::build_models(loaded, Runtime::xiaozhi).front();
    REQUIRE(shared.listeners.size() == 1);
    CHECK(shared.listeners[0].service == "http+websocket");
    CHECK(shared.listeners[0].port == 8000);
    CHECK(shared.listeners[0].key == "server.port");
    CHECK(shared.listeners[0].origin.pos.line == 4);
    CHECK(ends_with(shared.listeners[0].origin.pos.file, "xiaozhi.toml"));

    Model python = deploy::build_models(loaded, Runtime::python).front();
    REQUIRE(python.listeners.size() == 2);
    CHECK(python.listeners[0].port == 8000);
    CHECK(python.listeners[1].port == 8000);
    CHECK(python.listeners[1].key == "server.http_port");
}

TEST_CASE("compose-published fixture: published ports with their compose-file positions") {
    config::Loaded loaded = load_fixture("compose-published");
    Model model = deploy::build_models(loaded, Runtime::python).front();
    REQUIRE(model.published.size() == 2);
    const deploy::PublishedPort& websocket = model.published[0];
    CHECK(websocket.service == "xiaozhi-esp32-server");
    CHECK(websocket.host_address.empty());
    CHECK(websocket.host_port == 18000);
    CHECK(websocket.container_port == 8000);
    CHECK(websocket.transport == deploy::Transport::tcp);
    CHECK(websocket.origin.layer == "file");
    CHECK(ends_with(websocket.origin.pos.file, "docker-compose.yml"));
    CHECK(websocket.origin.pos.line == 6);
    CHECK(websocket.origin.pos.column == 9);

    const deploy::PublishedPort& http = model.published[1];
    CHECK(http.host_port == 18003);
    CHECK(http.container_port == 8003);
    CHECK(http.origin.pos.line == 7);
}

TEST_CASE("equal ports: one listener only for the xiaozhi runtime") {
    const std::string yaml = "server:\n  ip: 127.0.0.1\n  port: 8000\n  http_port: 8000\n";
    Model python = model_from_yaml(yaml, Runtime::python);
    REQUIRE(python.listeners.size() == 2);
    CHECK(python.listeners[0].service == "websocket");
    CHECK(python.listeners[1].service == "http");
    CHECK(python.listeners[0].address == "127.0.0.1");

    Model shared = model_from_yaml(yaml, Runtime::xiaozhi);
    REQUIRE(shared.listeners.size() == 1);
    CHECK(shared.listeners[0].service == "http+websocket");
    CHECK(shared.listeners[0].address == "127.0.0.1");

    Model different =
        model_from_yaml("server:\n  port: 8000\n  http_port: 8003\n", Runtime::xiaozhi);
    REQUIRE(different.listeners.size() == 2);
    CHECK(different.listeners[0].address == "0.0.0.0");
}

TEST_CASE("ports that are not integers in 1..65535 give no listener") {
    const char* bad_ports[] = {"\"80a\"", "\"0\"", "0", "70000", "-1", "8000.5", "null", "[8000]"};
    for (const char* port : bad_ports) {
        CAPTURE(port);
        Model model = model_from_yaml(
            std::string("server:\n  port: ") + port + "\n  http_port: 8003\n", Runtime::python);
        REQUIRE(model.listeners.size() == 1);
        CHECK(model.listeners[0].service == "http");
    }
    // The reference reads its ports with int(): a quoted "8000" is port 8000 there only.
    Model quoted =
        model_from_yaml("server:\n  port: \"8000\"\n  http_port: 8003\n", Runtime::python);
    REQUIRE(quoted.listeners.size() == 2);
    CHECK(quoted.listeners[0].port == 8000);
    CHECK(model_from_yaml("server:\n  port: \"8000\"\n  http_port: 8003\n", Runtime::xiaozhi)
              .listeners.size() == 1);
    Model edge = model_from_yaml("server:\n  port: 1\n  http_port: 65535\n", Runtime::python);
    REQUIRE(edge.listeners.size() == 2);
    CHECK(edge.listeners[0].port == 1);
    CHECK(edge.listeners[1].port == 65535);
}

TEST_CASE("a local manager-api.url adds the management API listener for the python runtime") {
    struct Case {
        const char* ip;
        const char* url;
        int port;  // 0: no listener
    };
    const Case cases[] = {
        {"0.0.0.0", "http://127.0.0.1:8002/xiaozhi", 8002},
        {"0.0.0.0", "http://localhost/xiaozhi", 8002},
        {"0.0.0.0", "http://127.0.0.1:9002/xiaozhi", 9002},
        {"0.0.0.0", "http://0.0.0.0:8003/xiaozhi", 8003},
        {"192.168.1.5", "http://192.168.1.5:8002/xiaozhi", 8002},
        {"0.0.0.0", "http://[::1]:8002/xiaozhi", 8002},
        {"0.0.0.0", "http://api.example.com:8002/xiaozhi", 0},
        {"0.0.0.0", "http://192.168.1.5:8002/xiaozhi", 0},
        {"192.168.1.5", "http://192.168.1.6:8002/xiaozhi", 0},
        {"0.0.0.0", "", 0},
        {"0.0.0.0", "http://127.0.0.1:80a/xiaozhi", 0},
    };
    for (const Case& c : cases) {
        CAPTURE(c.ip, c.url);
        std::string yaml = std::string("server:\n  ip: ") + c.ip +
                           "\n  port: 8000\n  http_port: 8003\nmanager-api:\n  url: \"" + c.url +
                           "\"\n";
        Model python = model_from_yaml(yaml, Runtime::python);
        const deploy::Listener* manager = find_listener(python, "manager-api");
        if (c.port == 0) {
            CHECK(manager == nullptr);
            CHECK(python.listeners.size() == 2);
            continue;
        }
        REQUIRE(manager != nullptr);
        CHECK(manager->port == c.port);
        CHECK(manager->key == "manager-api.url");
        CHECK(manager->address == "0.0.0.0");
        CHECK(manager->origin.pos.line == 6);

        Model xiaozhi = model_from_yaml(yaml, Runtime::xiaozhi);
        CHECK(find_listener(xiaozhi, "manager-api") == nullptr);
    }
}

TEST_CASE("a semicolon list of WebSocket URLs yields one entry per item, empty ones included") {
    Model model = model_from_yaml(
        "server:\n  websocket: \"ws://a:8000/xiaozhi/v1/;;ws://b:8000/xiaozhi/v1/\"\n",
        Runtime::xiaozhi);
    REQUIRE(model.advertised.size() == 3);
    const char* texts[] = {"ws://a:8000/xiaozhi/v1/", "", "ws://b:8000/xiaozhi/v1/"};
    for (int i = 0; i < 3; ++i) {
        const deploy::AdvertisedUrl& url = model.advertised[static_cast<std::size_t>(i)];
        CHECK(url.kind == deploy::UrlKind::websocket);
        CHECK(url.text == texts[i]);
        CHECK(url.index == i);
        CHECK(url.list_size == 3);
        CHECK(url.key == "server.websocket");
        CHECK(url.origin.pos.file == "test.yaml");
        CHECK(url.origin.pos.line == 2);
    }

    Model trailing =
        model_from_yaml("server:\n  websocket: \"ws://a:8000/xiaozhi/v1/;\"\n", Runtime::xiaozhi);
    REQUIRE(trailing.advertised.size() == 2);
    CHECK(trailing.advertised[1].text.empty());

    // The reference's own OTA endpoint hands a local list out whole.
    Model local = model_from_yaml(
        "server:\n  websocket: \"ws://a:8000/xiaozhi/v1/;ws://b:8000/xiaozhi/v1/\"\n",
        Runtime::python);
    REQUIRE(local.advertised.size() == 1);
    CHECK(local.advertised[0].index == -1);
}

TEST_CASE("advertised URLs of every kind, only when set and not null") {
    Model model = model_from_yaml(
        "server:\n"
        "  websocket: \"\"\n"
        "  vision_explain: http://192.168.1.20:8003/mcp/vision/explain\n"
        "  ota: http://192.168.1.20:8003/xiaozhi/ota/\n"
        "  mqtt_gateway: mqtt.example.com:1883\n"
        "  udp_gateway: 192.168.1.20:8884\n",
        Runtime::python);
    REQUIRE(model.advertised.size() == 5);
    CHECK(model.advertised[0].kind == deploy::UrlKind::websocket);
    CHECK(model.advertised[0].text.empty());
    CHECK(model.advertised[0].index == -1);
    CHECK(model.advertised[1].kind == deploy::UrlKind::vision);
    CHECK(model.advertised[2].kind == deploy::UrlKind::ota);
    CHECK(model.advertised[2].key == "server.ota");
    CHECK(model.advertised[2].text == "http://192.168.1.20:8003/xiaozhi/ota/");
    CHECK(model.advertised[3].kind == deploy::UrlKind::mqtt_gateway);
    CHECK(model.advertised[3].text == "mqtt.example.com:1883");
    CHECK(model.advertised[3].origin.pos.line == 5);
    CHECK(model.advertised[4].kind == deploy::UrlKind::udp_gateway);
    CHECK(model.advertised[4].key == "server.udp_gateway");

    Model unset = model_from_yaml("server:\n  mqtt_gateway: null\n  udp_gateway: ~\n  port: 8000\n",
                                  Runtime::python);
    CHECK(unset.advertised.empty());
}
