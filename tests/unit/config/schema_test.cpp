// Schema: known keys and types, top-level keys of the reference layout, nearest key, secrets.
#include <catch2/catch.hpp>

#include "config/parse.hpp"
#include "config/schema.hpp"

using namespace xiaozhi::config;

TEST_CASE("Known keys have their types") {
    REQUIRE(find_key("server.port") != nullptr);
    CHECK(find_key("server.port")->type == ValueType::port);
    CHECK(find_key("server.http_port")->type == ValueType::port);
    CHECK(find_key("server.auth.enabled")->type == ValueType::boolean);
    CHECK(find_key("server.auth.allowed_devices")->type == ValueType::string_list);
    CHECK(find_key("server.admin_allow")->type == ValueType::string_list);
    CHECK(find_key("server.mqtt_gateway")->type == ValueType::nullable_string);
    CHECK(find_key("server.udp_gateway")->type == ValueType::nullable_string);
    CHECK(find_key("server.mqtt_signature_key")->type == ValueType::nullable_string);
    CHECK(find_key("server.hello_timeout")->type == ValueType::integer);
    CHECK(find_key("server.websocket")->type == ValueType::string);
    CHECK(find_key("xiaozhi.audio_params.sample_rate")->type == ValueType::integer);
    CHECK(find_key("echo.transcode")->type == ValueType::boolean);
    CHECK(find_key("log.format") != nullptr);
    CHECK(find_key("manager-api.url") != nullptr);
    CHECK(find_key("server.prot") == nullptr);
    CHECK(value_type_name(ValueType::port) == "port");
}

TEST_CASE("Owned sections") {
    for (const char* section : {"server", "xiaozhi", "manager-api", "log", "echo"}) {
        CHECK(is_owned_section(section));
    }
    CHECK_FALSE(is_owned_section("LLM"));
    CHECK_FALSE(is_owned_section("servers"));
}

TEST_CASE("Every top-level key of the reference layout is known") {
    const Node tree = parse_file(XIAOZHI_FIXTURES "/reference-layout/config.yaml");
    REQUIRE(tree.entries.size() > 30);
    for (const auto& [key, value] : tree.entries) {
        INFO(key);
        CHECK(is_known_top_level(key));
    }
    CHECK(is_known_top_level("read_config_from_api"));
    CHECK(is_known_top_level("manager-api"));
    CHECK(is_known_top_level("echo"));
    CHECK_FALSE(is_known_top_level("sever"));
    CHECK_FALSE(is_known_top_level("server.port"));
}

TEST_CASE("Every key of the owned sections of the reference layout is known") {
    const Node tree = parse_file(XIAOZHI_FIXTURES "/reference-layout/config.yaml");
    std::vector<std::string> unknown;
    const auto visit = [&](const auto& self, const Node& node, const std::string& prefix) -> void {
        for (const auto& [key, value] : node.entries) {
            const std::string dotted = prefix + "." + key;
            if (find_key(dotted) == nullptr) unknown.push_back(dotted);
            if (value.is_map()) self(self, value, dotted);
        }
    };
    for (const char* section : {"server", "xiaozhi", "log"}) {
        visit(visit, *tree.find(section), section);
    }
    CHECK(unknown.empty());
}

TEST_CASE("Legacy keys name their replacement") {
    REQUIRE(find_legacy_key("server.ota_port") != nullptr);
    CHECK(find_legacy_key("server.ota_port")->replacement.find("http_port") != std::string::npos);
    REQUIRE(find_legacy_key("server.auth.tokens") != nullptr);
    CHECK(find_legacy_key("server.auth.tokens")->replacement.find("auth_key") != std::string::npos);
    CHECK(find_legacy_key("server.port") == nullptr);
    CHECK(legacy_keys().size() == 2);
}

TEST_CASE("nearest_key suggests siblings first, then whole keys") {
    CHECK(nearest_key("server.prot") == "server.port");
    CHECK(nearest_key("server.http_prot") == "server.http_port");
    CHECK(nearest_key("server.websockt") == "server.websocket");
    CHECK(nearest_key("server.auth.enabeld") == "server.auth.enabled");
    CHECK(nearest_key("sever.port") == "server.port");
    CHECK(nearest_key("manager_api.url") == "manager-api.url");
    CHECK(nearest_key("xiaozhi.audio_params.sample_rat") == "xiaozhi.audio_params.sample_rate");
    CHECK(nearest_key("server.advertise_hostname") == "server.advertise_host");
    CHECK_FALSE(nearest_key("server.completely_different").has_value());
    CHECK_FALSE(nearest_key("server.x").has_value());
    CHECK_FALSE(nearest_key("zzzzzz").has_value());
    CHECK(nearest_key("server.ota_prt") != "server.ota_port");
}

TEST_CASE("Secret keys") {
    for (const char* key : {"manager-api.secret", "server.auth_key", "server.admin_token",
                            "LLM.ChatGLMLLM.api_key", "x.token", "x.password", "x.access_token",
                            "server.mqtt_signature_key", "x.client_secret", "x.API_KEY"}) {
        INFO(key);
        CHECK(is_secret_key(key));
    }
    for (const char* key : {"server.port", "server.websocket", "x.keyboard", "x.tokens",
                            "x.secretary", "x._key", "server.auth.enabled"}) {
        INFO(key);
        CHECK_FALSE(is_secret_key(key));
    }
}

TEST_CASE("matches_type") {
    const Position pos;
    const Node port = Node::integer_at(70000, pos);
    const Node text = Node::string_at("8000", pos);
    CHECK(matches_type(port, ValueType::port));
    CHECK_FALSE(matches_type(text, ValueType::port));
    CHECK(matches_type(text, ValueType::string));
    CHECK(matches_type(Node::null_at(pos), ValueType::nullable_string));
    CHECK_FALSE(matches_type(Node::null_at(pos), ValueType::string));
    CHECK(matches_type(Node::boolean_at(true, pos), ValueType::boolean));
    CHECK_FALSE(matches_type(Node::string_at("true", pos), ValueType::boolean));
    const Node strings = parse_scalar("[a, b]", pos);
    const Node mixed = parse_scalar("[a, 1]", pos);
    CHECK(matches_type(strings, ValueType::string_list));
    CHECK_FALSE(matches_type(mixed, ValueType::string_list));
    CHECK_FALSE(matches_type(text, ValueType::string_list));
    CHECK(matches_type(parse_scalar("1.5", pos), ValueType::number));
    CHECK(matches_type(port, ValueType::number));
    CHECK_FALSE(matches_type(parse_scalar("1.5", pos), ValueType::integer));
    CHECK(matches_type(parse_scalar("{a: 1}", pos), ValueType::map));
    CHECK(matches_type(mixed, ValueType::any));
}

TEST_CASE("The server.tls keys of serve have their types") {
    CHECK(find_key("server.tls")->type == ValueType::map);
    CHECK(find_key("server.tls.cert")->type == ValueType::string);
    CHECK(find_key("server.tls.key")->type == ValueType::string);
    CHECK(find_key("server.tls.port")->type == ValueType::port);
    CHECK(find_key("server.tls.listeners")->type == ValueType::string_list);
    // A list of {cert, key, names} maps: its entries are checked by the TLS rules.
    CHECK(find_key("server.tls.certificates")->type == ValueType::any);
    CHECK(find_key("server.tls.handshake_timeout")->type == ValueType::integer);
    CHECK(find_key("server.tls.watch_interval")->type == ValueType::integer);
    // A path, not a secret: it is shown.
    CHECK_FALSE(is_secret_key("server.tls.key"));
    CHECK(nearest_key("server.tls.certs") == "server.tls.cert");
}

TEST_CASE("server.backend and the upstream section of serve's relay have their types") {
    CHECK(is_owned_section("upstream"));
    CHECK(is_known_top_level("upstream"));
    CHECK(find_key("server.backend")->type == ValueType::string);
    CHECK(find_key("upstream")->type == ValueType::map);
    // URL strings or {url, weight} tables: the upstream rules check the entries.
    CHECK(find_key("upstream.websocket")->type == ValueType::any);
    for (const char* key : {"upstream.auth_key", "upstream.ca", "upstream.health", "upstream.ota",
                            "upstream.ota_fallback"}) {
        CAPTURE(key);
        CHECK(find_key(key)->type == ValueType::string);
    }
    for (const char* key :
         {"upstream.health_interval", "upstream.fall", "upstream.rise", "upstream.drain_timeout",
          "upstream.connect_timeout", "upstream.ota_timeout"}) {
        CAPTURE(key);
        CHECK(find_key(key)->type == ValueType::integer);
    }
    CHECK(find_key("upstream.sticky")->type == ValueType::boolean);
    CHECK(is_secret_key("upstream.auth_key"));
    CHECK(nearest_key("upstream.stiky") == "upstream.sticky");
}
