// The TLS part of the deployment model: the TLS listener, TLS on plain listeners, certificates.
#include <catch2/catch.hpp>

#include "config/load.hpp"
#include "config/parse.hpp"
#include "deploy/model.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using deploy::Model;
using deploy::Runtime;

namespace {

config::Effective effective_from(const std::string& text, config::Syntax syntax) {
    config::Layer layer;
    layer.kind = config::LayerKind::file;
    layer.source = "test.conf";
    layer.tree = config::parse_text(text, syntax, "test.conf");
    return config::Effective::merge({config::defaults_layer(), layer});
}

Model model_of(const std::string& toml, Runtime runtime = Runtime::xiaozhi,
               const std::string& base_dir = {}) {
    return deploy::build_model(effective_from(toml, config::Syntax::toml), nullptr, runtime,
                               base_dir);
}

const deploy::Listener* listener_with_key(const Model& model, const std::string& key) {
    for (const auto& listener : model.listeners)
        if (listener.key == key) return &listener;
    return nullptr;
}

}  // namespace

TEST_CASE("server.tls.port adds a TLS listener for http and websocket beside the plain ones",
          "[deploy][tls]") {
    Model model = model_of("[server]\nip = \"192.168.1.20\"\n[server.tls]\nport = 8443\n");
    REQUIRE(model.listeners.size() == 3);
    CHECK_FALSE(model.listeners[0].tls);
    CHECK_FALSE(model.listeners[1].tls);
    const deploy::Listener* tls = listener_with_key(model, "server.tls.port");
    REQUIRE(tls != nullptr);
    CHECK(tls->tls);
    CHECK(tls->service == "http+websocket");
    CHECK(tls->port == 8443);
    CHECK(tls->address == "192.168.1.20");
    CHECK(tls->origin.pos.line == 4);
}

TEST_CASE("an invalid server.tls.port adds no listener", "[deploy][tls]") {
    for (const char* port : {"0", "70000", "\"8443\""}) {
        INFO(port);
        Model model =
            model_of(std::string("[server]\nport = 8000\n[server.tls]\nport = ") + port + "\n");
        CHECK(listener_with_key(model, "server.tls.port") == nullptr);
    }
}

TEST_CASE("server.tls.listeners makes the named plain listeners TLS", "[deploy][tls]") {
    Model both = model_of("[server.tls]\nlisteners = [\"websocket\"]\n");
    REQUIRE(both.listeners.size() == 2);
    CHECK(listener_with_key(both, "server.port")->tls);
    CHECK_FALSE(listener_with_key(both, "server.http_port")->tls);

    Model shared =
        model_of("[server]\nport = 8000\nhttp_port = 8000\n[server.tls]\nlisteners = [\"http\"]\n");
    REQUIRE(shared.listeners.size() == 1);
    CHECK(shared.listeners[0].service == "http+websocket");
    CHECK(shared.listeners[0].tls);
}

TEST_CASE("the certificates of server.tls, with paths resolved against the base folder",
          "[deploy][tls]") {
    Model model = model_of(
        "[server.tls]\ncert = \"tls/cert.pem\"\nkey = \"/etc/xiaozhi/key.pem\"\n"
        "certificates = [{cert = \"b.pem\", key = \"b.key\", names = [\"b.example.com\"]},"
        " {cert = \"c.pem\"}, \"d\"]\n",
        Runtime::xiaozhi, "/srv/xiaozhi");
    REQUIRE(model.certificates.size() == 2);
    const deploy::TlsCertificate& main = model.certificates[0];
    CHECK(main.cert_path == "/srv/xiaozhi/tls/cert.pem");
    CHECK(main.key_path == "/etc/xiaozhi/key.pem");
    CHECK(main.cert_key == "server.tls.cert");
    CHECK(main.key_key == "server.tls.key");
    CHECK(main.cert_origin.pos.line == 2);
    CHECK(main.key_origin.pos.line == 3);
    CHECK_FALSE(main.sni);

    const deploy::TlsCertificate& sni = model.certificates[1];
    CHECK(sni.sni);
    CHECK(sni.cert_path == "/srv/xiaozhi/b.pem");
    CHECK(sni.cert_key == "server.tls.certificates[0].cert");
    CHECK(sni.key_key == "server.tls.certificates[0].key");
    CHECK(sni.cert_origin.pos.line == 4);
    CHECK(sni.names == std::vector<std::string>{"b.example.com"});

    CHECK(model_of("[server.tls]\ncert = \"a.pem\"\n").certificates.empty());
    CHECK(model_of("[server.tls]\ncert = \"a.pem\"\nkey = \"a.key\"\n").certificates[0].cert_path ==
          "a.pem");
}

TEST_CASE("the python runtime has no TLS: the reference never reads server.tls", "[deploy][tls]") {
    Model model = model_of(
        "[server.tls]\ncert = \"a.pem\"\nkey = \"a.key\"\nport = 8443\nlisteners = [\"http\"]\n",
        Runtime::python);
    CHECK(model.certificates.empty());
    CHECK(listener_with_key(model, "server.tls.port") == nullptr);
    for (const auto& listener : model.listeners) CHECK_FALSE(listener.tls);
}

TEST_CASE("build_models resolves TLS paths against the folder of the first config file",
          "[deploy][tls]") {
    xiaozhi::test::TempDir dir;
    dir.write("conf/xiaozhi.toml",
              "[server.tls]\ncert = \"cert.pem\"\nkey = \"../keys/key.pem\"\n");
    config::LoadOptions options;
    options.paths = {dir.path() + "/conf/xiaozhi.toml"};
    config::Loaded loaded = config::load(options);
    CHECK(deploy::config_base_dir(loaded) == dir.path() + "/conf");
    Model model = deploy::build_models(loaded, Runtime::xiaozhi).front();
    REQUIRE(model.certificates.size() == 1);
    CHECK(model.certificates[0].cert_path == dir.path() + "/conf/cert.pem");
    CHECK(model.certificates[0].key_path == dir.path() + "/keys/key.pem");
}

TEST_CASE("config_base_dir: a folder in management-API mode is the folder itself",
          "[deploy][tls]") {
    xiaozhi::test::TempDir dir;
    dir.write("config.yaml", "server:\n  port: 8000\n");
    dir.write("data/.config.yaml", "manager-api:\n  url: http://127.0.0.1:8002/xiaozhi\n");
    config::LoadOptions options;
    options.paths = {dir.path()};
    config::Loaded loaded = config::load(options);
    CHECK(deploy::config_base_dir(loaded) == dir.path());

    CHECK(deploy::resolve_config_path("", "a/../b.pem") == "b.pem");
    CHECK(deploy::resolve_config_path("/x", "/abs.pem") == "/abs.pem");
    CHECK(deploy::config_base_dir(config::Loaded{}).empty());
}
