// The admin API's remote layer: GET/PUT with revisions, 428/412/409, history, rollback, confirm.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "admin_api.hpp"
#include "fake_server_control.hpp"
#include "http_routes.hpp"
#include "protocol/ota_answer.hpp"
#include "remote_store.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using nlohmann::json;
using test::request;
using Headers = std::vector<std::pair<std::string, std::string>>;

namespace {

const std::string kToml = R"(
[server]
websocket = "ws://192.168.1.10:8000/xiaozhi/v1/"
state_dir = "state"
admin_token = "secret-token"

[manager-api]
secret = "super-secret-value"
)";

const std::string kUrlA = "ws://10.0.0.5:8000/xiaozhi/v1/";
const std::string kUrlB = "ws://10.0.0.6:8000/xiaozhi/v1/";

std::string layer_with(const std::string& url) {
    return R"({"server": {"websocket": ")" + url + R"("}})";
}

server::HttpRequest admin(std::string method, std::string path, Headers headers = {},
                          std::string body = {}) {
    headers.emplace_back("Authorization", "Bearer secret-token");
    return request(std::move(method), "/xiaozhi/admin/" + path, std::move(headers),
                   std::move(body));
}

server::HttpResponse put_remote(server::HttpRoutes& routes, const std::string& if_match,
                                const std::string& body, Headers headers = {}) {
    if (!if_match.empty()) headers.emplace_back("If-Match", if_match);
    return routes.handle(admin("PUT", "remote", std::move(headers), body));
}

std::string ota_websocket_url(server::HttpRoutes& routes) {
    const server::HttpResponse response = routes.handle(
        request("POST", "/xiaozhi/ota/",
                {{"Device-Id", "aa:bb:cc:dd:ee:ff"}, {"Client-Id", "client-1"}}, "{}"));
    std::string error;
    const auto answer = protocol::parse_ota_answer(response.body, error);
    REQUIRE(answer);
    REQUIRE(answer->websocket);
    return answer->websocket->url;
}

analysis::Finding finding(analysis::Severity severity, std::string rule) {
    analysis::Finding result;
    result.rule = std::move(rule);
    result.severity = severity;
    result.message = "test finding";
    result.key = "server.websocket";
    return result;
}

std::uint64_t current_revision(const test::TempDir& dir) {
    return server::RemoteStore(dir.path() + "/state").current_revision();
}

}  // namespace

TEST_CASE("GET config shows values with provenance and secrets masked", "[admin]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse response = routes.handle(admin("GET", "config"));
    CHECK(response.status == 200);
    CHECK(response.body.find("super-secret-value") == std::string::npos);
    CHECK(response.body.find("secret-token") == std::string::npos);
    bool found_secret = false;
    const json config = json::parse(response.body);
    for (const json& value : config["values"]) {
        if (value["key"] == "manager-api.secret") {
            found_secret = true;
            CHECK(value["value"] == "***");
        }
        if (value["key"] == "server.websocket") CHECK(value["origin"]["layer"] == "file");
    }
    CHECK(found_secret);
    CHECK(routes.handle(admin("POST", "config")).status == 405);
}

TEST_CASE("a PUT remote is applied, persisted and changes the next OTA answer", "[admin][remote]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse empty = routes.handle(admin("GET", "remote"));
    CHECK(empty.status == 200);
    CHECK(json::parse(empty.body) == json::object());
    CHECK(test::header_of(empty, "ETag") == "\"0\"");

    server.control.warnings = {finding(analysis::Severity::warning, "url.unreachable")};
    const server::HttpResponse put =
        put_remote(routes, "\"0\"", "[server]\nwebsocket = \"" + kUrlA + "\"\n",
                   {{"X-Xiaozhi-Author", "ops"}, {"Content-Type", "application/toml"}});
    INFO(put.body);
    CHECK(put.status == 200);
    CHECK(test::header_of(put, "ETag") == "\"1\"");
    const json body = json::parse(put.body);
    CHECK(body["revision"] == "1");
    CHECK(body["shadowed_keys"] == json::array());
    REQUIRE(body["findings"].size() == 1);
    CHECK(body["findings"][0]["rule"] == "url.unreachable");

    CHECK(ota_websocket_url(routes) == kUrlA);
    REQUIRE(server.control.applied.size() == 1);
    CHECK(server.control.applied[0].kind == config::LayerKind::remote);
    CHECK(server.control.applied[0].source == dir.path() + "/state/remote/000001.json");
    CHECK(server.control.current()->remote_revision == "1");

    const server::HttpResponse stored = routes.handle(admin("GET", "remote"));
    CHECK(json::parse(stored.body) == json::parse(layer_with(kUrlA)));
    CHECK(test::header_of(stored, "ETag") == "\"1\"");
    const json history = json::parse(routes.handle(admin("GET", "history")).body);
    CHECK(history["current_revision"] == "1");
    CHECK(history["revisions"][0]["author"] == "ops");
    CHECK(history["revisions"][0]["changed_keys"] == json::array({"server.websocket"}));
}

TEST_CASE("a PUT remote names the keys a higher layer still overrides", "[admin][remote]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml, {"server.websocket_version=2"});
    server::HttpRoutes routes(server.services);

    const server::HttpResponse put = put_remote(
        routes, "0", R"({"server": {"websocket_version": 3, "websocket": ")" + kUrlA + R"("}})");
    REQUIRE(put.status == 200);
    CHECK(json::parse(put.body)["shadowed_keys"] == json::array({"server.websocket_version"}));
    CHECK(ota_websocket_url(routes) == kUrlA);
}

TEST_CASE("a PUT remote without If-Match is a 428 and changes nothing", "[admin][remote]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse response = put_remote(routes, "", layer_with(kUrlA));
    CHECK(response.status == 428);
    CHECK(json::parse(response.body)["current_revision"] == "0");
    CHECK(server.control.applied.empty());
    CHECK(current_revision(dir) == 0);
}

TEST_CASE("a PUT remote with a stale If-Match is a 412 naming what changed", "[admin][remote]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    REQUIRE(put_remote(routes, "\"0\"", layer_with(kUrlA)).status == 200);

    const server::HttpResponse stale = put_remote(routes, "\"0\"", layer_with(kUrlB));
    CHECK(stale.status == 412);
    const json body = json::parse(stale.body);
    CHECK(body["current_revision"] == "1");
    CHECK(body["your_revision"] == "0");
    CHECK(body["changed_keys"] == json::array({"server.websocket"}));
    CHECK(server.control.applied.size() == 1);
    CHECK(ota_websocket_url(routes) == kUrlA);
    CHECK(put_remote(routes, "\"nonsense\"", layer_with(kUrlB)).status == 412);
    CHECK(put_remote(routes, "1", layer_with(kUrlB)).status == 200);
}

TEST_CASE("a PUT remote the analysis refuses is a 409 with the findings", "[admin][remote]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    REQUIRE(put_remote(routes, "\"0\"", layer_with(kUrlA)).status == 200);

    server.control.refusal = {finding(analysis::Severity::error, "port.conflict")};
    const server::HttpResponse refused = put_remote(routes, "\"1\"", layer_with(kUrlB));
    CHECK(refused.status == 409);
    const json body = json::parse(refused.body);
    CHECK(body["findings"][0]["rule"] == "port.conflict");
    CHECK(body["findings"][0]["severity"] == "error");
    CHECK(body["summary"]["error"] == 1);
    CHECK(body["current_revision"] == "1");

    CHECK(current_revision(dir) == 1);
    CHECK(ota_websocket_url(routes) == kUrlA);
    CHECK_FALSE(std::filesystem::exists(dir.path() + "/state/remote/000002.json"));
}

TEST_CASE("a PUT remote that fails otherwise is a 500 and leaves no revision", "[admin][remote]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    server.control.failure = "rebind of port 8100 failed";
    const server::HttpResponse failed = put_remote(routes, "\"0\"", layer_with(kUrlA));
    CHECK(failed.status == 500);
    CHECK_THAT(json::parse(failed.body)["error"].get<std::string>(),
               Catch::Contains("rebind of port 8100 failed"));
    CHECK(current_revision(dir) == 0);
    CHECK(std::filesystem::is_empty(dir.path() + "/state/remote"));
}

TEST_CASE("a PUT remote body that does not parse is a 400", "[admin][remote]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);

    const server::HttpResponse bad =
        put_remote(routes, "\"0\"", "{\"server\": ", {{"Content-Type", "application/json"}});
    CHECK(bad.status == 400);
    CHECK_THAT(json::parse(bad.body)["error"].get<std::string>(),
               Catch::StartsWith("PUT /xiaozhi/admin/remote"));
    CHECK(server.control.applied.empty());
    const server::HttpResponse yaml =
        put_remote(routes, "\"0\"", "server:\n  websocket: " + kUrlB + "\n");
    CHECK(yaml.status == 200);
    CHECK(ota_websocket_url(routes) == kUrlB);
}

TEST_CASE("keys the management API keeps local are dropped from a pushed layer",
          "[admin][remote]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml + "url = \"http://manager:8002/xiaozhi\"\n");
    server::HttpRoutes routes(server.services);

    REQUIRE(put_remote(routes, "\"0\"",
                       R"({"server": {"port": 9000, "websocket": ")" + kUrlA + R"("}})")
                .status == 200);
    const config::Layer& layer = server.control.applied.back();
    REQUIRE(layer.dropped.size() == 1);
    CHECK(config::join_path(layer.dropped[0].path) == "server.port");
    CHECK(ota_websocket_url(routes) == kUrlA);
}

TEST_CASE("history lists revisions newest first, rollback re-applies a kept one",
          "[admin][history]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    REQUIRE(put_remote(routes, "\"0\"", layer_with(kUrlA)).status == 200);
    REQUIRE(routes
                .handle(admin("PUT", "remote?message=move%20to%20B&author=ci",
                              {{"If-Match", "\"1\""}}, layer_with(kUrlB)))
                .status == 200);
    CHECK(ota_websocket_url(routes) == kUrlB);

    CHECK(routes.handle(admin("POST", "rollback/1")).status == 428);
    CHECK(routes.handle(admin("POST", "rollback/1", {{"If-Match", "\"1\""}})).status == 412);
    CHECK(routes.handle(admin("POST", "rollback/99", {{"If-Match", "\"2\""}})).status == 404);
    CHECK(routes.handle(admin("POST", "rollback/one", {{"If-Match", "\"2\""}})).status == 400);
    CHECK(routes.handle(admin("GET", "rollback/1")).status == 405);

    const server::HttpResponse rolled = routes.handle(
        admin("POST", "rollback/1", {{"If-Match", "\"2\""}, {"X-Xiaozhi-Message", "back to A"}}));
    CHECK(rolled.status == 200);
    CHECK(test::header_of(rolled, "ETag") == "\"3\"");
    CHECK(ota_websocket_url(routes) == kUrlA);

    const json history = json::parse(routes.handle(admin("GET", "history")).body);
    REQUIRE(history["revisions"].size() == 3);
    const json& newest = history["revisions"][0];
    CHECK(newest["revision"] == "3");
    CHECK(newest["kind"] == "rollback");
    CHECK(newest["restores"] == "1");
    CHECK(newest["message"] == "back to A");
    CHECK(newest["current"] == true);
    CHECK(newest["changed_keys"] == json::array({"server.websocket"}));
    CHECK(history["revisions"][1]["message"] == "move to B");
    CHECK(history["revisions"][1]["author"] == "ci");
    CHECK(history["revisions"][1]["current"] == false);
    CHECK_THAT(history["revisions"][2]["time"].get<std::string>(), Catch::EndsWith("Z"));

    REQUIRE(routes.handle(admin("POST", "rollback/0", {{"If-Match", "\"3\""}})).status == 200);
    CHECK(ota_websocket_url(routes) == "ws://192.168.1.10:8000/xiaozhi/v1/");
}

TEST_CASE("an unconfirmed change reverts after its deadline", "[admin][confirm]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    REQUIRE(put_remote(routes, "\"0\"", layer_with(kUrlA)).status == 200);
    const auto start = std::chrono::system_clock::now();
    REQUIRE(put_remote(routes, "\"1\"", layer_with(kUrlB), {{"X-Confirm-Within", "30s"}}).status ==
            200);
    CHECK(
        json::parse(routes.handle(admin("GET", "history")).body)["revisions"][0]["confirm_deadline"]
            .is_string());

    const server::RevertOutcome early =
        server::revert_unconfirmed(server.control, start + std::chrono::seconds(20));
    CHECK(early.status == server::RevertOutcome::Status::waiting);
    CHECK(ota_websocket_url(routes) == kUrlB);

    const server::RevertOutcome late =
        server::revert_unconfirmed(server.control, start + std::chrono::seconds(40));
    CHECK(late.status == server::RevertOutcome::Status::reverted);
    CHECK(late.revision == 2);
    CHECK(ota_websocket_url(routes) == kUrlA);
    const json newest = json::parse(routes.handle(admin("GET", "history")).body)["revisions"][0];
    CHECK(newest["kind"] == "revert");
    CHECK(newest["restores"] == "1");

    CHECK(routes.handle(admin("POST", "confirm/2")).status == 409);
    CHECK(server::revert_unconfirmed(server.control, start + std::chrono::seconds(80)).status ==
          server::RevertOutcome::Status::nothing_pending);
}

TEST_CASE("a confirmed change stays", "[admin][confirm]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    const auto start = std::chrono::system_clock::now();
    REQUIRE(routes
                .handle(admin("PUT", "remote?confirm_within=2m", {{"If-Match", "0"}},
                              layer_with(kUrlA)))
                .status == 200);
    const server::HttpResponse confirmed = routes.handle(admin("POST", "confirm/1"));
    CHECK(confirmed.status == 200);
    CHECK(json::parse(confirmed.body)["confirmed"] == true);
    CHECK(server::revert_unconfirmed(server.control, start + std::chrono::hours(1)).status ==
          server::RevertOutcome::Status::nothing_pending);
    CHECK(ota_websocket_url(routes) == kUrlA);
    CHECK(routes.handle(admin("POST", "confirm/x")).status == 400);
}

TEST_CASE("a malformed X-Confirm-Within is a 400 before anything is applied", "[admin][confirm]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    for (const char* within : {"soon", "0s", "25h", "-5s", "s"}) {
        INFO(within);
        CHECK(
            put_remote(routes, "\"0\"", layer_with(kUrlA), {{"X-Confirm-Within", within}}).status ==
            400);
    }
    CHECK(server.control.applied.empty());
}

TEST_CASE("a revert the analysis refuses leaves the change and clears its deadline",
          "[admin][confirm]") {
    test::TempDir dir;
    test::TestServer server(dir, kToml);
    server::HttpRoutes routes(server.services);
    const auto start = std::chrono::system_clock::now();
    REQUIRE(put_remote(routes, "\"0\"", layer_with(kUrlA), {{"X-Confirm-Within", "1m"}}).status ==
            200);
    server.control.refusal = {finding(analysis::Severity::error, "port.conflict")};
    const server::RevertOutcome outcome =
        server::revert_unconfirmed(server.control, start + std::chrono::minutes(2));
    CHECK(outcome.status == server::RevertOutcome::Status::failed);
    CHECK_THAT(outcome.detail, Catch::Contains("port.conflict"));
    CHECK(ota_websocket_url(routes) == kUrlA);
    CHECK(server::revert_unconfirmed(server.control, start + std::chrono::minutes(3)).status ==
          server::RevertOutcome::Status::nothing_pending);
}
