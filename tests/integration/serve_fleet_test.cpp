// serve in a fleet on a real etcd member: the registry entry, its lease, a taken id, etcd away.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "etcd_process.hpp"
#include "eventually.hpp"
#include "http_client.hpp"
#include "script_peer.hpp"
#include "serve_process.hpp"

using namespace xiaozhi::testing;

namespace {

std::string fleet_config(const EtcdProcess& etcd, const std::string& instance,
                         const std::string& extra = "") {
    return "[fleet]\netcd = [\"" + etcd.url() + "\"]\nname = \"test\"\ninstance = \"" + instance +
           "\"\nlease_ttl = 3\n" + extra;
}

const std::string kPrefix = "/xiaozhi/test/instances/";

}  // namespace

namespace {

std::string ota_websocket_url(const ServeProcess& serve) {
    const HttpReply reply =
        http_call(serve.http_port(), ota_request("aa:bb:cc:dd:ee:01", "client-1", "1.0.0"));
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    return nlohmann::json::parse(reply.body)["websocket"]["url"].get<std::string>();
}

std::string ws_url_of(const ServeProcess& serve) {
    return "ws://127.0.0.1:" + std::to_string(serve.websocket_port()) + "/xiaozhi/v1/";
}

}  // namespace

TEST_CASE("fleet: serve registers with its URLs and ports, and a clean stop removes the entry",
          "[fleet]") {
    EtcdProcess etcd;
    ServeProcess serve(fleet_config(etcd, "a"));
    const auto entries = etcd.get_prefix(kPrefix);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].first == kPrefix + "a");
    const nlohmann::json entry = nlohmann::json::parse(entries[0].second);
    CHECK(entry["ports"]["websocket"] == serve.websocket_port());
    CHECK(entry["ports"]["http"] == serve.http_port());
    CHECK(entry["websocket_url"] ==
          "ws://127.0.0.1:" + std::to_string(serve.websocket_port()) + "/xiaozhi/v1/");
    CHECK(entry["pid"] == serve.pid());
    CHECK(entry["health"] == "ok");
    CHECK(entry["capacity"] == 10000);
    const std::string metrics = http_get(serve.http_port(), "/metrics").body;
    CHECK(contains(metrics, "xiaozhi_fleet_connected 1"));
    CHECK(contains(metrics, "xiaozhi_fleet_instances 1"));
    TempDir dir;
    const auto [status, said] = promtool_check(metrics, dir);
    INFO(said);
    CHECK(status == 0);
    CHECK(serve.stop(SIGTERM) == 0);
    CHECK(etcd.get_prefix(kPrefix).empty());
    CHECK(contains(serve.log(), "left the fleet"));
}

TEST_CASE("fleet: a killed serve's entry expires with its lease", "[fleet]") {
    EtcdProcess etcd;
    ServeProcess serve(fleet_config(etcd, "a"));
    REQUIRE(etcd.get_prefix(kPrefix).size() == 1);
    // Kept alive past its 3 s TTL while serve runs.
    std::this_thread::sleep_for(std::chrono::seconds(4));
    REQUIRE(etcd.get_prefix(kPrefix).size() == 1);
    const auto killed = std::chrono::steady_clock::now();
    serve.stop(SIGKILL);
    CHECK(eventually([&] { return etcd.get_prefix(kPrefix).empty(); }, 6000));
    // Within the TTL and a second of etcd's lease check.
    CHECK(std::chrono::steady_clock::now() - killed < std::chrono::seconds(5));
}

TEST_CASE("fleet: a second serve with the same fleet.instance is refused with the holder's details",
          "[fleet]") {
    EtcdProcess etcd;
    ServeProcess first(fleet_config(etcd, "same"));
    ServeProcess::Options options;
    options.config_toml = fleet_config(etcd, "same");
    options.wait_ready = false;
    ServeProcess second(options);
    CHECK(second.wait_exit(20000) == 1);
    CHECK(contains(second.log(), "fleet.instance same is registered by another serve"));
    CHECK(contains(second.log(), "pid " + std::to_string(first.pid())));
    // The first one's entry is untouched.
    const auto entries = etcd.get_prefix(kPrefix);
    REQUIRE(entries.size() == 1);
    CHECK(nlohmann::json::parse(entries[0].second)["pid"] == first.pid());
}

TEST_CASE("fleet: with etcd away serve starts and serves, and registers once etcd is back",
          "[fleet]") {
    EtcdProcess etcd;
    etcd.stop();
    ServeProcess serve(fleet_config(etcd, "late"));
    CHECK(serve.wait_for_log("etcd unreachable", 10000));
    CHECK(serve.running());
    etcd.start();
    CHECK(eventually([&] { return etcd.get_prefix(kPrefix).size() == 1; }, 10000));
    CHECK(serve.wait_for_log("joined the fleet", 5000));
}

TEST_CASE(
    "fleet: etcd stopped under a running serve: it serves on, then keeps its entry alive again",
    "[fleet]") {
    EtcdProcess etcd;
    ServeProcess serve(fleet_config(etcd, "a"));
    REQUIRE(etcd.get_prefix(kPrefix).size() == 1);
    CHECK(contains(http_get(serve.http_port(), "/metrics").body, "xiaozhi_fleet_connected 1"));
    etcd.stop();
    CHECK(serve.wait_for_log("etcd unreachable, serving on", 10000));
    CHECK(serve.running());
    CHECK(contains(http_get(serve.http_port(), "/metrics").body, "xiaozhi_fleet_connected 0"));
    const nlohmann::json health =
        nlohmann::json::parse(http_get(serve.http_port(), "/healthz").body);
    CHECK(health["status"] == "degraded");
    CHECK(health["fleet"]["connected"] == false);
    // Devices still get an address: this instance's own.
    CHECK(ota_websocket_url(serve) == ws_url_of(serve));
    etcd.start();
    const bool resumed = serve.wait_for_log("etcd reachable again", 10000) ||
                         contains(serve.log(), "joined the fleet");
    CHECK(resumed);
    // Alive past a TTL after the restart.
    std::this_thread::sleep_for(std::chrono::seconds(4));
    CHECK(etcd.get_prefix(kPrefix).size() == 1);
    CHECK(nlohmann::json::parse(http_get(serve.http_port(), "/healthz").body)["status"] == "ok");
}

TEST_CASE(
    "fleet: OTA answers hand out the instance with the most free capacity, and a killed one "
    "is gone from them within the TTL and a second",
    "[fleet][ota]") {
    EtcdProcess etcd;
    ServeProcess small(fleet_config(etcd, "small") + "[server]\nmax_connections = 10\n");
    ServeProcess big(fleet_config(etcd, "big") + "[server]\nmax_connections = 5000\n");
    ServeProcess self(fleet_config(etcd, "self", "balance = \"self\"\n") +
                      "[server]\nmax_connections = 10\n");
    // Each instance reads the registry every third of the TTL (1 s).
    CHECK(eventually([&] { return ota_websocket_url(small) == ws_url_of(big); }, 5000));
    CHECK(ota_websocket_url(big) == ws_url_of(big));
    CHECK(ota_websocket_url(self) == ws_url_of(self));
    const auto killed = std::chrono::steady_clock::now();
    big.stop(SIGKILL);
    CHECK(eventually([&] { return ota_websocket_url(small) == ws_url_of(small); }, 8000));
    // The lease (3 s) and one refresh (1 s), with etcd's own expiry check.
    CHECK(std::chrono::steady_clock::now() - killed < std::chrono::seconds(6));
}

TEST_CASE(
    "fleet: an OTA answer passed through from the management API hands out the fleet's "
    "choice",
    "[fleet][ota]") {
    EtcdProcess etcd;
    TempDir dir;
    ScriptPeer api({"/usr/bin/python3",
                    std::string(XIAOZHI_FIXTURES) + "/../integration/fake_management_api.py",
                    "--record", dir.path() + "/ota.jsonl"});
    const std::string pass_through =
        "[upstream]\nota = \"http://127.0.0.1:" + std::to_string(api.ready.at("port").get<int>()) +
        "/xiaozhi/ota/\"\n";
    ServeProcess small(fleet_config(etcd, "small") + "[server]\nmax_connections = 10\n" +
                       pass_through);
    ServeProcess big(fleet_config(etcd, "big") + "[server]\nmax_connections = 5000\n");
    CHECK(eventually([&] { return ota_websocket_url(small) == ws_url_of(big); }, 5000));
    CHECK(small.wait_for_log("ota passed through", 1000));
}

TEST_CASE("fleet: one member of a three-member etcd cluster stopped changes nothing",
          "[fleet][cluster]") {
    EtcdCluster cluster(3);
    const auto config = [&](const std::string& instance, int capacity) {
        return "[fleet]\netcd = " + cluster.toml_list() + "\nname = \"test\"\ninstance = \"" +
               instance +
               "\"\nlease_ttl = 3\n[server]\nmax_connections = " + std::to_string(capacity) + "\n";
    };
    ServeProcess small(config("small", 10));
    ServeProcess big(config("big", 5000));
    CHECK(eventually([&] { return ota_websocket_url(small) == ws_url_of(big); }, 5000));
    // The member both instances asked first.
    cluster.member(0).stop();
    // Past a lease TTL: both entries live on through the other members.
    std::this_thread::sleep_for(std::chrono::seconds(5));
    CHECK(cluster.member(1).get_prefix(kPrefix).size() == 2);
    CHECK(ota_websocket_url(small) == ws_url_of(big));
    CHECK(contains(http_get(small.http_port(), "/metrics").body, "xiaozhi_fleet_connected 1"));
    CHECK_FALSE(contains(small.log(), "etcd unreachable"));
    CHECK_FALSE(contains(big.log(), "etcd unreachable"));
}
