// Admin API access: off without a token, loopback or admin_allow peers only, bearer token checked.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "admin_access.hpp"
#include "fake_server_control.hpp"
#include "http_routes.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using test::request;

namespace {

const std::string kToml = R"(
[server]
state_dir = "state"
admin_token = "secret-token"
)";

server::HttpRequest history(std::string authorization, std::string peer = "127.0.0.1") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!authorization.empty()) headers.emplace_back("Authorization", std::move(authorization));
    return request("GET", "/xiaozhi/admin/history", std::move(headers), "", std::move(peer));
}

}  // namespace

TEST_CASE("without an admin token the admin API is off", "[admin][access]") {
    test::TempDir dir;
    test::TestServer server(dir, "[server]\nstate_dir = \"state\"\n");
    server::HttpRoutes routes(server.services);
    CHECK(routes.handle(history("Bearer ")).status == 404);
    CHECK(routes.handle(history("Bearer secret-token")).status == 404);
}

TEST_CASE("the admin API wants the bearer token", "[admin][access]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse missing = routes.handle(history(""));
    CHECK(missing.status == 401);
    CHECK_THAT(test::header_of(missing, "WWW-Authenticate"), Catch::StartsWith("Bearer"));
    CHECK(routes.handle(history("Bearer wrong-token")).status == 401);
    CHECK(routes.handle(history("Bearer secret-token-")).status == 401);
    CHECK(routes.handle(history("Basic secret-token")).status == 401);
    const server::HttpResponse wrong = routes.handle(history("Bearer secret-tokeN"));
    CHECK(nlohmann::json::parse(wrong.body)["error"] == "wrong admin token");
    CHECK(routes.handle(history("Bearer secret-token")).status == 200);
    CHECK(routes.handle(history("bearer  secret-token ")).status == 200);
}

TEST_CASE("the admin API answers loopback peers only by default", "[admin][access]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    CHECK(routes.handle(history("Bearer secret-token", "::1")).status == 200);
    CHECK(routes.handle(history("Bearer secret-token", "::ffff:127.0.0.1")).status == 200);
    CHECK(routes.handle(history("Bearer secret-token", "127.0.0.2")).status == 200);
    const server::HttpResponse remote =
        routes.handle(history("Bearer secret-token", "192.168.1.20"));
    CHECK(remote.status == 403);
    CHECK_THAT(nlohmann::json::parse(remote.body)["error"].get<std::string>(),
               Catch::Contains("server.admin_allow"));
    CHECK(routes.handle(history("Bearer secret-token", "not-an-address")).status == 403);
}

TEST_CASE("server.admin_allow opens the admin API to its networks", "[admin][access]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml + "admin_allow = [\"192.168.1.0/24\", \"fd00::/8\"]\n");
    server::HttpRoutes routes(server.services);

    CHECK(routes.handle(history("Bearer secret-token", "192.168.1.20")).status == 200);
    CHECK(routes.handle(history("Bearer secret-token", "::ffff:192.168.1.20")).status == 200);
    CHECK(routes.handle(history("Bearer secret-token", "fd12::5")).status == 200);
    CHECK(routes.handle(history("Bearer secret-token", "192.168.2.20")).status == 403);
    CHECK(routes.handle(history("Bearer wrong", "192.168.1.20")).status == 401);
}

TEST_CASE("peer_allowed reads networks, single addresses and skips bad entries",
          "[admin][access]") {
    const std::vector<std::string> allowed = {"10.0.0.0/8", "203.0.113.7", "garbage", "10.1.0.0/99",
                                              "2001:db8::/32"};
    CHECK(server::peer_allowed("10.200.3.4", allowed));
    CHECK(server::peer_allowed("203.0.113.7", allowed));
    CHECK_FALSE(server::peer_allowed("203.0.113.8", allowed));
    CHECK(server::peer_allowed("2001:db8:1::1", allowed));
    CHECK_FALSE(server::peer_allowed("2001:db9::1", allowed));
    CHECK(server::peer_allowed("::1", {}));
    CHECK(server::peer_allowed("fe80::1%eth0", {"fe80::/10"}));
    CHECK_FALSE(server::peer_allowed("11.0.0.1", allowed));
}
