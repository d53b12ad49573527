// The HTTP side of the real `xiaozhi serve`: OTA answers, firmware download, the admin API.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "cli_harness.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"

using namespace xiaozhi::testing;

namespace {

constexpr const char* kToken = "integration-admin-token";
const std::string kConfig = std::string("[server]\nadmin_token = \"") + kToken + "\"\n";
const std::string kImage = std::string("\xE9\x05\x02\x20", 4) + std::string(3000, 'f');

nlohmann::json ota_answer(const ServeProcess& serve, const std::string& version = "1.0.0") {
    HttpCall call;
    call.method = "POST";
    call.target = "/xiaozhi/ota/";
    call.headers = {{"Device-Id", "aa:bb:cc:dd:ee:ff"},
                    {"Client-Id", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
                    {"Content-Type", "application/json"}};
    call.body = R"({"application": {"version": ")" + version + R"("}, "board": {"type": "bread"}})";
    const HttpReply reply = http_call(serve.http_port(), call);
    INFO(reply.error << reply.body);
    REQUIRE(reply.status == 200);
    return parse_json(reply.body);
}

HttpReply admin(const ServeProcess& serve, const std::string& method, const std::string& path,
                std::vector<std::pair<std::string, std::string>> headers = {},
                const std::string& body = "") {
    return admin_call(serve.http_port(), kToken, method, path, std::move(headers), body);
}

}  // namespace

TEST_CASE("serve answers an OTA check and serves the offered firmware with its length",
          "[serve][http]") {
    ServeProcess serve(kConfig);
    serve.write("data/bin/bread_1.7.0.bin", kImage);

    const nlohmann::json answer = ota_answer(serve);
    CHECK(answer.at("server_time").at("timestamp").is_number_integer());
    CHECK(answer.at("server_time").at("timezone_offset") == 480);
    CHECK(answer.at("websocket").at("url") ==
          "ws://127.0.0.1:" + std::to_string(serve.websocket_port()) + "/xiaozhi/v1/");
    CHECK(answer.at("firmware").at("version") == "1.7.0");
    const std::string url = answer.at("firmware").at("url");
    const std::string base = "http://127.0.0.1:" + std::to_string(serve.http_port());
    REQUIRE(url == base + "/xiaozhi/ota/download/bread_1.7.0.bin");

    const HttpReply download = http_get(serve.http_port(), url.substr(base.size()));
    CHECK(download.status == 200);
    CHECK(download.header("Content-Length") == std::to_string(kImage.size()));
    CHECK(download.body == kImage);
    CHECK(http_get(serve.http_port(), "/xiaozhi/ota/download/..%2fxiaozhi.toml").status == 400);
    CHECK(ota_answer(serve, "1.7.0").at("firmware").at("url") == "");
}

TEST_CASE("serve applies a pushed remote layer to the next OTA answer", "[serve][http][admin]") {
    ServeProcess serve(kConfig);
    const HttpReply before = admin(serve, "GET", "remote");
    REQUIRE(before.status == 200);
    CHECK(before.header("ETag") == "\"0\"");
    CHECK_FALSE(ota_answer(serve).at("websocket").contains("version"));

    CHECK(admin(serve, "PUT", "remote", {}, R"({"server": {"websocket_version": 3}})").status ==
          428);
    const HttpReply pushed =
        admin(serve, "PUT", "remote", {{"If-Match", "\"0\""}, {"X-Xiaozhi-Author", "it"}},
              R"({"server": {"websocket_version": 3, "timezone_offset": 2}})");
    INFO(pushed.body);
    REQUIRE(pushed.status == 200);
    CHECK(pushed.header("ETag") == "\"1\"");

    const nlohmann::json answer = ota_answer(serve);
    CHECK(answer.at("websocket").at("version") == 3);
    CHECK(answer.at("server_time").at("timezone_offset") == 120);
    const nlohmann::json history = parse_json(admin(serve, "GET", "history").body);
    CHECK(history.at("revisions").at(0).at("author") == "it");

    const HttpReply stale = admin(serve, "PUT", "remote", {{"If-Match", "\"0\""}}, "{}");
    CHECK(stale.status == 412);
    CHECK(ota_answer(serve).at("websocket").at("version") == 3);
}

TEST_CASE("serve refuses a pushed port that is taken with 409 and changes nothing",
          "[serve][http][admin]") {
    // Ports in the file (not --set, which would outrank the remote layer).
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.config_toml = kConfig + "ip = \"127.0.0.1\"\nport = " + std::to_string(free_port()) +
                          "\nhttp_port = " + std::to_string(free_port()) + "\n";
    ServeProcess serve(options);
    HeldPort taken;
    const std::string before = ota_answer(serve).at("websocket").at("url");

    const HttpReply refused =
        admin(serve, "PUT", "remote", {{"If-Match", "\"0\""}},
              R"({"server": {"port": )" + std::to_string(taken.port()) + "}}");
    INFO(refused.body);
    CHECK(refused.status == 409);
    const nlohmann::json body = parse_json(refused.body);
    CHECK(body.at("summary").at("error").get<int>() >= 1);
    CHECK(body.at("current_revision") == "0");

    CHECK(admin(serve, "GET", "remote").header("ETag") == "\"0\"");
    CHECK(ota_answer(serve).at("websocket").at("url") == before);
    CHECK(parse_json(admin(serve, "GET", "history").body).at("revisions").empty());
}

TEST_CASE("a pushed port change rebinds new before old, and the push survives a restart",
          "[serve][http][admin]") {
    const int ws_port = free_port();
    const int http_port = free_port();
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.config_toml = kConfig + "ip = \"127.0.0.1\"\nport = " + std::to_string(ws_port) +
                          "\nhttp_port = " + std::to_string(http_port) + "\n";
    auto serve = std::make_unique<ServeProcess>(options);
    REQUIRE(serve->websocket_port() == ws_port);

    const int moved = free_port();
    const HttpReply put = admin(*serve, "PUT", "remote",
                                {{"If-Match", "\"0\""}, {"Content-Type", "application/json"}},
                                R"({"server": {"port": )" + std::to_string(moved) + "}}");
    INFO(put.body);
    REQUIRE(put.status == 200);
    CHECK(ota_answer(*serve).at("websocket").at("url") ==
          "ws://127.0.0.1:" + std::to_string(moved) + "/xiaozhi/v1/");
    CHECK(serve->ports_json().at("ports").front().at("port") == moved);
    CHECK(serve->wait_for_log("release service=websocket address=127.0.0.1 port=" +
                                  std::to_string(ws_port) + " reason=rebind",
                              10000));
    CHECK(raw_exchange(ws_port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 2000).empty());
    CHECK(http_get(moved, "/healthz").status == 200);
    CHECK(serve->stop() == 0);

    // A new process in the same folder (it finds xiaozhi.toml there) starts from the kept
    // revision.
    ServeProcess::Options again;
    again.loopback_free_ports = false;
    again.reuse_dir = serve->dir();
    ServeProcess restarted(again);
    CHECK(restarted.websocket_port() == moved);
    CHECK(contains(restarted.log(), "remote layer revision=1 "));
    CHECK(restarted.stop() == 0);
}
