// read_server_settings: defaults, the reference's keys, this project's keys, and typed errors.
#include <catch2/catch.hpp>

#include "config/input_error.hpp"
#include "config/load.hpp"
#include "settings.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using xiaozhi::test::TempDir;

namespace {

server::ServerSettings settings_of(const std::string& toml, const std::string& base = "/srv/x") {
    TempDir dir;
    config::LoadOptions options;
    options.paths = {dir.write("xiaozhi.toml", toml)};
    return server::read_server_settings(config::load(options).effective, base);
}

}  // namespace

TEST_CASE("settings: built-in defaults", "[settings]") {
    const server::ServerSettings s = settings_of("");
    CHECK(s.bind_address == "0.0.0.0");
    CHECK(s.websocket_port == 8000);
    CHECK(s.http_port == 8003);
    CHECK(s.port_fallback == server::PortFallback::fail);
    CHECK(s.state_dir == "/srv/x/data/state");
    CHECK(s.firmware_dir == "/srv/x/data/bin");
    CHECK(s.hello_timeout == std::chrono::seconds(10));
    CHECK(s.idle_timeout == std::chrono::seconds(120));
    CHECK(s.timezone_offset_minutes == 480);
    CHECK(s.audio_params.sample_rate == 24000);
    CHECK_FALSE(s.websocket_version.has_value());
    CHECK(s.configured_websocket.empty());
    CHECK(s.auth.key.empty());
    CHECK(s.admin_token.empty());
}

TEST_CASE("settings: configured values, placeholders and fallbacks", "[settings]") {
    const server::ServerSettings s = settings_of(
        "close_connection_no_voice_time = 30\n"
        "[server]\nip = \"::\"\nport = 9000\nhttp_port = 9000\nport_fallback = \"next\"\n"
        "port_fallback_range = 5\nwebsocket = \"ws://你的ip或者域名:8000/xiaozhi/v1/\"\n"
        "vision_explain = \"http://10.0.0.2:8003/mcp/vision/explain\"\n"
        "timezone_offset = \"-3.5\"\nstate_dir = \"/var/lib/xiaozhi\"\nwebsocket_version = 3\n"
        "admin_token = \"t0ken\"\nadmin_allow = [\"10.0.0.0/8\"]\n"
        "[server.auth]\nenabled = true\nallowed_devices = [\"aa:bb:cc:dd:ee:ff\"]\n"
        "[manager-api]\nsecret = \"from-manager\"\n");
    CHECK(s.bind_address == "::");
    CHECK(s.websocket_port == 9000);
    CHECK(s.http_port == 9000);
    CHECK(s.port_fallback == server::PortFallback::next);
    CHECK(s.port_fallback_range == 5);
    CHECK(s.configured_websocket.empty());
    CHECK(s.configured_vision == "http://10.0.0.2:8003/mcp/vision/explain");
    CHECK(s.timezone_offset_minutes == -210);
    CHECK(s.state_dir == "/var/lib/xiaozhi");
    CHECK(s.websocket_version == 3);
    CHECK(s.admin_token == "t0ken");
    CHECK(s.admin_allow == std::vector<std::string>{"10.0.0.0/8"});
    CHECK(s.auth.enabled);
    CHECK(s.auth.key == "from-manager");
    CHECK(s.auth.allowed_devices == std::vector<std::string>{"aa:bb:cc:dd:ee:ff"});
    CHECK(s.idle_timeout == std::chrono::seconds(30));
}

TEST_CASE("settings: server.auth_key wins over manager-api.secret unless a placeholder",
          "[settings]") {
    CHECK(settings_of("[server]\nauth_key = \"k1\"\n[manager-api]\nsecret = \"k2\"\n").auth.key ==
          "k1");
    CHECK(settings_of("[server]\nauth_key = \"你的auth_key\"\n[manager-api]\nsecret = \"k2\"\n")
              .auth.key == "k2");
}

TEST_CASE("settings: a wrong type or range names the value's file, line and key", "[settings]") {
    CHECK_THROWS_WITH(settings_of("[server]\nport_fallback = \"sometimes\"\n"),
                      Catch::Contains("xiaozhi.toml:2") &&
                          Catch::Contains("server.port_fallback must be fail, next or any"));
    CHECK_THROWS_WITH(settings_of("[server]\nhello_timeout = 0\n"),
                      Catch::Contains("server.hello_timeout must be an integer in 1..3600"));
    CHECK_THROWS_WITH(settings_of("[server]\ntimezone_offset = \"east\"\n"),
                      Catch::Contains("server.timezone_offset must be a number of hours"));
    CHECK_THROWS_AS(settings_of("[server]\nauth = { allowed_devices = 3 }\n"), config::InputError);
}
