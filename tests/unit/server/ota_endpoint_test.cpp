// The OTA check and firmware downloads through HttpRoutes, against a fake ServerControl.
#include <catch2/catch.hpp>

#include <chrono>

#include "fake_server_control.hpp"
#include "http_routes.hpp"
#include "protocol/device_token.hpp"
#include "protocol/mqtt_credentials.hpp"
#include "protocol/ota_answer.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using test::request;

namespace {

const std::string kDevice = "aa:bb:cc:dd:ee:ff";
const std::string kClient = "3f1c2a4e-1111-4222-8333-944455556666";
const std::string kBaseToml = R"(
[server]
websocket = "ws://192.168.1.10:8000/xiaozhi/v1/"
firmware_dir = "bin"
state_dir = "state"
)";

std::string device_body(const std::string& version, const std::string& board = "bread") {
    return R"({"application": {"version": ")" + version + R"("}, "board": {"type": ")" + board +
           R"("}, "model": "bread-model"})";
}

server::HttpRequest ota_post(const std::string& body, const std::string& target = "/xiaozhi/ota/") {
    return request(
        "POST", target,
        {{"Device-Id", kDevice}, {"Client-Id", kClient}, {"Content-Type", "application/json"}},
        body);
}

protocol::OtaAnswer answer_of(const server::HttpResponse& response) {
    std::string error;
    const auto answer = protocol::parse_ota_answer(response.body, error);
    INFO(response.body);
    REQUIRE(answer);
    return *answer;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void write_firmware(const test::TempDir& dir) {
    for (const char* name : {"bread_1.0.0.bin", "bread_1.6.2.bin", "bread_1.10.0.bin",
                             "other_9.0.0.bin", "bread_2.0.0.txt"}) {
        dir.write(std::string("bin/") + name, "\xE9 image");
    }
}

}  // namespace

TEST_CASE("an OTA POST answers server time, the newest firmware and the WebSocket URL", "[ota]") {
    test::TempDir dir;
    write_firmware(dir);
    test::TestServer server(dir, kBaseToml);
    server::HttpRoutes routes(server.services);

    const std::int64_t before = now_ms();
    const server::HttpResponse response = routes.handle(ota_post(device_body("1.6.2")));
    const std::int64_t after = now_ms();
    CHECK(response.status == 200);
    CHECK(response.content_type == "application/json");
    const protocol::OtaAnswer answer = answer_of(response);
    CHECK(answer.server_time_ms >= before);
    CHECK(answer.server_time_ms <= after);
    CHECK(answer.timezone_offset_minutes == 480);
    CHECK(answer.firmware.version == "1.10.0");
    CHECK(answer.firmware.url == "http://127.0.0.1:8003/xiaozhi/ota/download/bread_1.10.0.bin");
    REQUIRE(answer.websocket);
    CHECK(answer.websocket->url == "ws://192.168.1.10:8000/xiaozhi/v1/");
    CHECK_FALSE(answer.websocket->token);
    CHECK_FALSE(answer.websocket->version);
    CHECK_FALSE(answer.mqtt);
    CHECK(server.metrics.ota_requests.values() ==
          std::map<std::string, std::uint64_t>{{"firmware_offered", 1}, {"websocket", 1}});
}

TEST_CASE("a device on the newest firmware is offered none", "[ota]") {
    test::TempDir dir;
    write_firmware(dir);
    test::TestServer server(dir, kBaseToml);
    server::HttpRoutes routes(server.services);

    const protocol::OtaAnswer answer =
        answer_of(routes.handle(ota_post(device_body("1.10.0"), "/xiaozhi/ota")));
    CHECK(answer.firmware.version == "1.10.0");
    CHECK(answer.firmware.url.empty());
    const protocol::OtaAnswer other =
        answer_of(routes.handle(ota_post(device_body("1.0", "none"))));
    CHECK(other.firmware.url.empty());
    CHECK(server.metrics.ota_requests.values() ==
          std::map<std::string, std::uint64_t>{{"websocket", 2}});
}

TEST_CASE("with auth on the OTA answer carries a reference-format token", "[ota][auth]") {
    test::TempDir dir;
    test::TestServer server(dir, kBaseToml + R"(
auth_key = "test-auth-key"
websocket_version = 3
timezone_offset = -5
[server.auth]
enabled = true
)");
    server::HttpRoutes routes(server.services);

    const protocol::OtaAnswer answer = answer_of(routes.handle(ota_post(device_body("1.0.0"))));
    REQUIRE(answer.websocket);
    REQUIRE(answer.websocket->token);
    CHECK(answer.websocket->version == 3);
    CHECK(answer.timezone_offset_minutes == -300);
    const std::int64_t seconds = answer.server_time_ms / 1000;
    CHECK(*answer.websocket->token ==
          protocol::make_token("test-auth-key", kClient, kDevice, seconds));
    CHECK(protocol::verify_token("test-auth-key", *answer.websocket->token, kClient, kDevice,
                                 seconds, 60) == protocol::TokenCheck::ok);
    CHECK(protocol::verify_token("other-key", *answer.websocket->token, kClient, kDevice, seconds,
                                 60) == protocol::TokenCheck::bad_signature);
}

TEST_CASE("with an MQTT gateway the OTA answer carries MQTT credentials instead", "[ota][mqtt]") {
    test::TempDir dir;
    test::TestServer server(dir, kBaseToml + R"(
mqtt_gateway = "mqtt.example.com:1883"
mqtt_signature_key = "signature-key"
)");
    server::HttpRoutes routes(server.services);

    server::HttpRequest post = ota_post(device_body("1.0.0"));
    post.peer_address = "192.168.1.50";
    const protocol::OtaAnswer answer = answer_of(routes.handle(post));
    CHECK_FALSE(answer.websocket);
    REQUIRE(answer.mqtt);
    CHECK(*answer.mqtt == protocol::make_mqtt_credentials("mqtt.example.com:1883", kDevice,
                                                          "bread-model", "signature-key",
                                                          "192.168.1.50"));
    CHECK(answer.mqtt->client_id == "GID_bread-model@@@aa_bb_cc_dd_ee_ff@@@aa_bb_cc_dd_ee_ff");
    CHECK(server.metrics.ota_requests.values().at("mqtt") == 1);
}

TEST_CASE("a missing Device-Id or Client-Id is a JSON error", "[ota]") {
    test::TempDir dir;
    test::TestServer server(dir, kBaseToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse no_client = routes.handle(
        request("POST", "/xiaozhi/ota/", {{"Device-Id", kDevice}}, device_body("1.0.0")));
    CHECK(no_client.status == 400);
    CHECK_THAT(no_client.body, Catch::StartsWith(R"({"success":false,"message":)"));
    const server::HttpResponse no_device = routes.handle(
        request("POST", "/xiaozhi/ota/", {{"Client-Id", kClient}}, device_body("1.0.0")));
    CHECK(no_device.status == 400);
    const server::HttpResponse bad_body = routes.handle(ota_post("{not json"));
    CHECK(bad_body.status == 400);
    CHECK(server.metrics.ota_requests.values().at("error") == 3);
}

TEST_CASE("a browser's GET gets the status text, a device's GET the answer", "[ota]") {
    test::TempDir dir;
    test::TestServer server(dir, kBaseToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse page = routes.handle(request("GET", "/xiaozhi/ota/"));
    CHECK(page.status == 200);
    CHECK_THAT(page.content_type, Catch::StartsWith("text/plain"));
    CHECK(page.body == protocol::ota_status_text("ws://192.168.1.10:8000/xiaozhi/v1/"));
    const server::HttpResponse device = routes.handle(
        request("GET", "/xiaozhi/ota/", {{"Device-Id", kDevice}, {"Client-Id", kClient}}));
    CHECK(device.status == 200);
    CHECK(answer_of(device).firmware.version == "1.0.0");
    CHECK(server.metrics.ota_requests.values() ==
          std::map<std::string, std::uint64_t>{{"status_page", 1}, {"websocket", 1}});
}

TEST_CASE("OTA answers carry CORS headers and OPTIONS is a 204", "[ota][cors]") {
    test::TempDir dir;
    test::TestServer server(dir, kBaseToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse preflight = routes.handle(request("OPTIONS", "/xiaozhi/ota/"));
    CHECK(preflight.status == 204);
    CHECK(preflight.body.empty());
    for (const auto& response : {preflight, routes.handle(ota_post(device_body("1.0.0"))),
                                 routes.handle(request("POST", "/xiaozhi/ota/"))}) {
        CHECK(test::header_of(response, "Access-Control-Allow-Origin") == "*");
        const std::string allowed = test::header_of(response, "Access-Control-Allow-Headers");
        for (const char* name : {"Device-Id", "Client-Id", "Authorization", "Content-Type",
                                 "Protocol-Version", "If-Match"}) {
            CHECK_THAT(allowed, Catch::Contains(name));
        }
        CHECK_THAT(test::header_of(response, "Access-Control-Allow-Methods"),
                   Catch::Contains("OPTIONS"));
    }
    CHECK(routes.handle(request("DELETE", "/xiaozhi/ota/")).status == 405);
}

TEST_CASE("a firmware download streams a bare file name from the firmware folder", "[download]") {
    test::TempDir dir;
    write_firmware(dir);
    std::filesystem::create_directories(dir.path() + "/bin/folder_1.0.0.bin");
    test::TestServer server(dir, kBaseToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse file =
        routes.handle(request("GET", "/xiaozhi/ota/download/bread_1.6.2.bin"));
    CHECK(file.status == 200);
    CHECK(file.file_path == dir.path() + "/bin/bread_1.6.2.bin");
    CHECK(file.content_type == "application/octet-stream");
    CHECK(routes.handle(request("GET", "/xiaozhi/ota/download/bread%5f1.6.2.bin")).file_path ==
          file.file_path);

    CHECK(routes.handle(request("GET", "/xiaozhi/ota/download/bread_9.bin")).status == 404);
    CHECK(routes.handle(request("GET", "/xiaozhi/ota/download/folder_1.0.0.bin")).status == 404);
    CHECK(routes.handle(request("POST", "/xiaozhi/ota/download/bread_1.6.2.bin")).status == 405);
}

TEST_CASE("download traversal attempts are refused with 400", "[download]") {
    test::TempDir dir;
    write_firmware(dir);
    test::TestServer server(dir, kBaseToml);
    server::HttpRoutes routes(server.services);

    for (const char* file : {"../xiaozhi.toml", "..%2fxiaozhi.toml", "%2e%2e%2fxiaozhi.toml",
                             "%2e%2e", "..", "bin%2f..%2f..%2fxiaozhi.toml", "..%5cxiaozhi.toml",
                             "%2fetc%2fpasswd", ".hidden", "", "a%00b"}) {
        const server::HttpResponse response =
            routes.handle(request("GET", std::string("/xiaozhi/ota/download/") + file));
        INFO(file);
        CHECK(response.status == 400);
        CHECK(response.file_path.empty());
    }
}
