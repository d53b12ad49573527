// HttpRoutes: health, metrics, the plain GET on the WebSocket path, unknown paths and errors.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "fake_server_control.hpp"
#include "http_routes.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using test::request;

namespace {

const std::string kToml = R"(
[server]
websocket = "ws://192.168.1.10:8000/xiaozhi/v1/"
state_dir = "state"
admin_token = "secret-token"
)";

}  // namespace

TEST_CASE("GET /healthz reports ok, the WebSocket URL, the session count, pid and ports",
          "[routes]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse response = routes.handle(request("GET", "/healthz"));
    CHECK(response.status == 200);
    const auto body = nlohmann::json::parse(response.body);
    CHECK(body["status"] == "ok");
    CHECK(body["websocket_url"] == "ws://192.168.1.10:8000/xiaozhi/v1/");
    CHECK(body["sessions"] == 0);
    // ota-push treats these as the server's own sockets (port.held-by-self).
    CHECK(body["pid"] == static_cast<int>(::getpid()));
    CHECK(body["ports"]["websocket"] == 8000);
    CHECK(body["ports"]["http"] == 8003);
    CHECK(routes.handle(request("POST", "/healthz")).status == 405);
}

TEST_CASE("GET /metrics renders the Prometheus text with OTA outcomes", "[routes][metrics]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    routes.handle(request("GET", "/xiaozhi/ota/"));

    const server::HttpResponse response = routes.handle(request("GET", "/metrics"));
    CHECK(response.status == 200);
    CHECK_THAT(response.content_type, Catch::StartsWith("text/plain; version=0.0.4"));
    CHECK_THAT(response.body, Catch::Contains("# TYPE xiaozhi_ota_requests_total counter"));
    CHECK_THAT(response.body,
               Catch::Contains("xiaozhi_ota_requests_total{outcome=\"status_page\"} 1\n"));
}

TEST_CASE("a plain GET on the WebSocket path says the server runs", "[routes]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    for (const char* path : {"/xiaozhi/v1/", "/xiaozhi/v1"}) {
        const server::HttpResponse response = routes.handle(request("GET", path));
        CHECK(response.status == 200);
        CHECK(response.body == "Server is running\n");
    }
    CHECK(routes.handle(request("POST", "/xiaozhi/v1/")).status == 405);
}

TEST_CASE("unknown paths are a JSON 404, wrong methods a 405 with Allow", "[routes]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse missing = routes.handle(request("GET", "/nothing/here"));
    CHECK(missing.status == 404);
    CHECK(nlohmann::json::parse(missing.body)["error"] == "not found: /nothing/here");
    CHECK(test::header_of(missing, "Access-Control-Allow-Origin") == "*");
    const server::HttpResponse wrong = routes.handle(request("PUT", "/metrics"));
    CHECK(wrong.status == 405);
    CHECK(test::header_of(wrong, "Allow") == "GET, HEAD");
    const server::HttpResponse invalid_utf8 = routes.handle(request("GET", "/\xff\xfe"));
    CHECK(invalid_utf8.status == 404);
    CHECK_NOTHROW(nlohmann::json::parse(invalid_utf8.body));
}

TEST_CASE("an exception inside a route is a JSON 500, and an upload file is removed", "[routes]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server.control.throw_on_apply = true;
    server::HttpRoutes routes(server.services);

    server::HttpRequest put =
        request("PUT", "/xiaozhi/admin/remote",
                {{"Authorization", "Bearer secret-token"}, {"If-Match", "\"0\""}}, R"({"a": 1})");
    put.body_file = dir.write("bin/.upload-1", "stray upload");
    const server::HttpResponse response = routes.handle(put);
    CHECK(response.status == 500);
    CHECK_THAT(nlohmann::json::parse(response.body)["error"].get<std::string>(),
               Catch::Contains("apply exploded"));
    CHECK_FALSE(std::filesystem::exists(put.body_file));
    // The staged revision was discarded: nothing but the folder is left.
    CHECK(std::filesystem::is_empty(dir.path() + "/state/remote"));
}
