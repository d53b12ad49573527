// Firmware uploads: plan_body's checks, SHA-256 and image magic, atomic rename, no leftovers.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fake_server_control.hpp"
#include "http_routes.hpp"
#include "protocol/crypto.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using nlohmann::json;
using test::request;
using Headers = std::vector<std::pair<std::string, std::string>>;

namespace {

const std::string kToml = R"(
[server]
state_dir = "state"
firmware_dir = "bin"
admin_token = "secret-token"
)";

const std::string kImage = std::string("\xE9\x05\x02\x20", 4) + std::string(5000, 'x');

server::HttpRequest upload(const std::string& target, Headers headers = {},
                           std::string peer = "127.0.0.1") {
    headers.emplace_back("Authorization", "Bearer secret-token");
    return request("PUT", "/xiaozhi/admin/firmware/" + target, std::move(headers), "",
                   std::move(peer));
}

// Plans the request and, for a file plan, streams `content` into a temporary file in the
// planned folder as the connection does.
server::HttpRequest streamed(server::HttpRoutes& routes, server::HttpRequest head,
                             const std::string& content) {
    const server::BodyPlan plan = routes.plan_body(head);
    REQUIRE(plan.kind == server::BodyPlan::Kind::file);
    head.body_file = plan.file_dir + "/.upload-test-1.part";
    std::ofstream(head.body_file, std::ios::binary) << content;
    return head;
}

std::string sha256_hex(const std::string& content) {
    test::TempDir dir;
    return protocol::hex_encode(*protocol::sha256_file(dir.write("content", content)));
}

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        names.push_back(entry.path().filename().string());
    }
    return names;
}

// The firmware URL an OTA check of a bread board at version 1.0.0 is offered ("" for none).
std::string offered_url(server::HttpRoutes& routes) {
    const server::HttpResponse response = routes.handle(request(
        "POST", "/xiaozhi/ota/",
        {{"Device-Id", "aa:bb:cc:dd:ee:ff"}, {"Client-Id", "3b3e2f5c-1111-4222-8333-444455556666"}},
        R"({"application": {"version": "1.0.0"}, "board": {"type": "bread"}})"));
    INFO(response.body);
    REQUIRE(response.status == 200);
    return json::parse(response.body).at("firmware").at("url");
}

}  // namespace

TEST_CASE("plan_body streams a valid firmware upload to the firmware folder", "[upload]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    const server::BodyPlan plan = routes.plan_body(upload("bread-compact_1.6.2"));
    CHECK(plan.kind == server::BodyPlan::Kind::reject);
    const server::BodyPlan good = routes.plan_body(upload("bread-compact/1.6.2"));
    CHECK(good.kind == server::BodyPlan::Kind::file);
    CHECK(good.file_dir == dir.path() + "/bin");
    CHECK(good.limit == 32u * 1024 * 1024);
    CHECK(std::filesystem::is_directory(dir.path() + "/bin"));
    const server::BodyPlan remote = routes.plan_body(
        request("PUT", "/xiaozhi/admin/remote", {{"Authorization", "Bearer secret-token"}}));
    CHECK(remote.kind == server::BodyPlan::Kind::memory);
    CHECK(remote.limit == server::admin_body_limit);
    const server::BodyPlan ota = routes.plan_body(request("POST", "/xiaozhi/ota/"));
    CHECK(ota.kind == server::BodyPlan::Kind::memory);
    CHECK(ota.limit == server::device_body_limit);
}

TEST_CASE("plan_body refuses an admin request without the token before its body", "[upload]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    const server::BodyPlan plan = routes.plan_body(request("PUT", "/xiaozhi/admin/remote"));
    CHECK(plan.kind == server::BodyPlan::Kind::reject);
    CHECK(plan.rejection.status == 401);
    const server::BodyPlan wrong = routes.plan_body(
        request("PUT", "/xiaozhi/admin/remote", {{"Authorization", "Bearer guess"}}));
    CHECK(wrong.kind == server::BodyPlan::Kind::reject);
    CHECK(wrong.rejection.status == 401);
}

TEST_CASE("plan_body rejects uploads failing the admin checks or naming bad targets", "[upload]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    const auto rejection = [&](server::HttpRequest head) {
        const server::BodyPlan plan = routes.plan_body(head);
        CHECK(plan.kind == server::BodyPlan::Kind::reject);
        CHECK(test::header_of(plan.rejection, "Access-Control-Allow-Origin") == "*");
        return plan.rejection.status;
    };
    CHECK(rejection(request("PUT", "/xiaozhi/admin/firmware/bread/1.6.2")) == 401);
    CHECK(rejection(upload("bread/1.6.2", {}, "10.1.2.3")) == 403);
    CHECK(rejection(upload("..%2fetc/1.6.2")) == 400);
    CHECK(rejection(upload("bread/1.6.2-rc1")) == 400);
    CHECK(rejection(upload("bread/v1.6")) == 400);
    CHECK(rejection(upload("bre ad/1.6")) == 400);
    CHECK(rejection(upload("bread/1.6/extra")) == 400);
    CHECK_FALSE(std::filesystem::exists(dir.path() + "/bin"));
}

TEST_CASE("an upload with the right SHA-256 is stored under <model>_<version>.bin", "[upload]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    // An OTA check first, so the folder's (empty) listing is cached when the upload lands.
    CHECK(offered_url(routes) == "");

    const server::HttpRequest put =
        streamed(routes, upload("bread/1.7.0", {{"X-Content-SHA256", sha256_hex(kImage)}}), kImage);
    const server::HttpResponse response = routes.handle(put);
    INFO(response.body);
    CHECK(response.status == 201);
    const json body = json::parse(response.body);
    CHECK(body["file"] == "bread_1.7.0.bin");
    CHECK(body["size"] == kImage.size());
    CHECK(body["sha256"] == sha256_hex(kImage));
    CHECK(read(dir.path() + "/bin/bread_1.7.0.bin") == kImage);
    CHECK(names_in(dir.path() + "/bin") == std::vector<std::string>{"bread_1.7.0.bin"});

    // The stored image is what the OTA answer now offers and the download serves.
    const server::HttpResponse download =
        routes.handle(request("GET", "/xiaozhi/ota/download/bread_1.7.0.bin"));
    CHECK(download.file_path == dir.path() + "/bin/bread_1.7.0.bin");
    CHECK(offered_url(routes).ends_with("/xiaozhi/ota/download/bread_1.7.0.bin"));
}

TEST_CASE("an upload whose SHA-256 differs is refused and removed", "[upload]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    const server::HttpRequest put = streamed(
        routes, upload("bread/1.7.0", {{"X-Content-SHA256", sha256_hex("other content")}}), kImage);
    const server::HttpResponse response = routes.handle(put);
    CHECK(response.status == 422);
    CHECK_THAT(json::parse(response.body)["error"].get<std::string>(),
               Catch::Contains("SHA-256 mismatch"));
    CHECK(std::filesystem::is_empty(dir.path() + "/bin"));

    const server::HttpResponse malformed = routes.handle(
        streamed(routes, upload("bread/1.7.0", {{"X-Content-SHA256", "abc"}}), kImage));
    CHECK(malformed.status == 400);
    CHECK(std::filesystem::is_empty(dir.path() + "/bin"));
}

TEST_CASE("an upload without the ESP32 magic needs X-No-Image-Check", "[upload]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    const std::string not_image = "PK\x03\x04 a zip file";

    const server::HttpResponse refused =
        routes.handle(streamed(routes, upload("bread/1.7.0"), not_image));
    CHECK(refused.status == 422);
    CHECK_THAT(json::parse(refused.body)["error"].get<std::string>(), Catch::Contains("0xE9"));
    CHECK(std::filesystem::is_empty(dir.path() + "/bin"));

    const server::HttpResponse empty =
        routes.handle(streamed(routes, upload("bread/1.7.0", {{"X-No-Image-Check", "1"}}), ""));
    CHECK(empty.status == 400);
    CHECK(std::filesystem::is_empty(dir.path() + "/bin"));

    const server::HttpResponse forced = routes.handle(
        streamed(routes, upload("bread/1.7.0", {{"X-No-Image-Check", "1"}}), not_image));
    CHECK(forced.status == 201);
    CHECK(read(dir.path() + "/bin/bread_1.7.0.bin") == not_image);
}

TEST_CASE("an upload kept in memory is stored the same way", "[upload]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    server::HttpRequest put = upload("bread/2.0");
    put.body = kImage;
    CHECK(routes.handle(put).status == 201);
    CHECK(read(dir.path() + "/bin/bread_2.0.bin") == kImage);
    CHECK(names_in(dir.path() + "/bin").size() == 1);
    CHECK(routes.handle(upload("bread/2.0")).status == 400);  // empty
    CHECK(routes
              .handle(request("POST", "/xiaozhi/admin/firmware/bread/2.0",
                              {{"Authorization", "Bearer secret-token"}}))
              .status == 405);
}
