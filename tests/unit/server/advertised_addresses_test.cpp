// The advertised host and URLs, and the bound-port contradiction that refuses a start.
#include <catch2/catch.hpp>

#include "advertised_addresses.hpp"
#include "config/load.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using xiaozhi::test::TempDir;

namespace {

config::Loaded load_toml(const std::string& toml) {
    TempDir dir;
    config::LoadOptions options;
    options.paths = {dir.write("xiaozhi.toml", toml)};
    return config::load(options);
}

host::Snapshot host_with(std::vector<std::string> addresses) {
    host::Snapshot host;
    host.probed = true;
    host.addresses = std::move(addresses);
    return host;
}

}  // namespace

TEST_CASE("advertised host: override, specific bind address, then a routable local address",
          "[advertise]") {
    server::ServerSettings s;
    const host::Snapshot host = host_with({"127.0.0.1", "172.17.0.1", "192.168.1.5", "::1"});
    CHECK(server::advertised_host(s, host) == "192.168.1.5");
    CHECK(server::advertised_host(s, host_with({"127.0.0.1", "172.17.0.1"})) == "172.17.0.1");
    CHECK(server::advertised_host(s, host_with({"127.0.0.1"})) == "127.0.0.1");
    s.bind_address = "127.0.0.1";
    CHECK(server::advertised_host(s, host) == "127.0.0.1");
    s.bind_address = "::1";
    CHECK(server::advertised_host(s, host) == "[::1]");
    s.advertise_host = "voice.example.com";
    CHECK(server::advertised_host(s, host) == "voice.example.com");
}

TEST_CASE("advertised URLs follow the bound ports unless configured", "[advertise]") {
    const config::Loaded loaded = load_toml("[server]\nip = \"10.0.0.2\"\n");
    server::ServerSettings s;
    s.bind_address = "10.0.0.2";
    const auto derived = server::advertised_addresses(s, {8100, 8103}, loaded.effective, {});
    CHECK(derived.websocket_url == "ws://10.0.0.2:8100/xiaozhi/v1/");
    CHECK(derived.ota_url == "http://10.0.0.2:8103/xiaozhi/ota/");
    CHECK(derived.download_base == "http://10.0.0.2:8103/xiaozhi/ota/download/");

    const config::Loaded configured = load_toml(
        "[server]\nwebsocket = \"wss://voice.example.com/xiaozhi/v1/\"\n"
        "ota = \"https://voice.example.com/xiaozhi/ota/\"\n");
    s.configured_websocket = "wss://voice.example.com/xiaozhi/v1/";
    const auto kept = server::advertised_addresses(s, {8100, 8103}, configured.effective, {});
    CHECK(kept.websocket_url == "wss://voice.example.com/xiaozhi/v1/");
    CHECK(kept.ota_url == "https://voice.example.com/xiaozhi/ota/");
}

TEST_CASE("a configured URL naming this machine with another port contradicts the bind",
          "[advertise]") {
    const config::Loaded loaded =
        load_toml("[server]\nwebsocket = \"ws://192.168.1.5:8000/xiaozhi/v1/\"\n");
    server::ServerSettings s;
    s.configured_websocket = "ws://192.168.1.5:8000/xiaozhi/v1/";
    const host::Snapshot host = host_with({"192.168.1.5"});

    const auto finding = server::bound_port_contradiction(s, {8001, 8003}, loaded.effective, host);
    REQUIRE(finding.has_value());
    CHECK(finding->rule == "url.port-mismatch");
    CHECK(finding->severity == analysis::Severity::error);
    CHECK(finding->origin.pos.line == 2);
    CHECK(finding->suggestion ==
          "set server.websocket to ws://192.168.1.5:8001/xiaozhi/v1/, or "
          "remove it to let the server derive the address");

    CHECK_FALSE(server::bound_port_contradiction(s, {8000, 8003}, loaded.effective, host));
    CHECK_FALSE(server::bound_port_contradiction(s, {8001, 8003}, loaded.effective,
                                                 host_with({"10.0.0.9"})));
}
