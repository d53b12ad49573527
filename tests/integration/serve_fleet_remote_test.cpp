// The fleet's remote layer on real etcd: a push reaches every instance, If-Match is a
// compare-and-swap, etcd away refuses pushes, and an unconfirmed revision is reverted once.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"
#include "etcd_process.hpp"
#include "eventually.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"

using namespace xiaozhi::testing;
using nlohmann::json;

namespace {

const std::string kToken = "fleet-admin-token";

std::string fleet_config(const EtcdProcess& etcd, const std::string& instance) {
    return "[server]\nadmin_token = \"" + kToken + "\"\n[fleet]\netcd = [\"" + etcd.url() +
           "\"]\nname = \"test\"\ninstance = \"" + instance + "\"\nlease_ttl = 3\n";
}

HttpReply push(const ServeProcess& serve, const std::string& if_match, const std::string& body,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("If-Match", if_match);
    headers.emplace_back("Content-Type", "application/json");
    return admin_call(serve.http_port(), kToken, "PUT", "remote", std::move(headers), body);
}

std::string ota_websocket_url(const ServeProcess& serve) {
    const HttpReply reply =
        http_call(serve.http_port(), ota_request("aa:bb:cc:dd:ee:01", "client-1", "1.0.0"));
    if (reply.status != 200) return "status " + std::to_string(reply.status);
    return json::parse(reply.body)["websocket"]["url"].get<std::string>();
}

std::string etag(const HttpReply& reply) {
    std::string value = reply.header("ETag");
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    return value;
}

// The outcome each instance reported in a push's answer, by instance id.
std::map<std::string, std::string> outcomes_of(const HttpReply& reply) {
    std::map<std::string, std::string> outcomes;
    const json answer = json::parse(reply.body);
    for (const json& item : answer.at("instances")) {
        outcomes[item.at("instance").get<std::string>()] = item.at("outcome").get<std::string>();
    }
    return outcomes;
}

// An instance whose ports are in its file (not --set), so a pushed server.port is in force.
ServeProcess::Options fixed_ports(const EtcdProcess& etcd, const std::string& instance,
                                  int websocket_port) {
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.config_toml = "[server]\nip = \"127.0.0.1\"\nport = " + std::to_string(websocket_port) +
                          "\nhttp_port = " + std::to_string(free_port()) + "\nadmin_token = \"" +
                          kToken + "\"\n[fleet]\netcd = [\"" + etcd.url() +
                          "\"]\nname = \"test\"\ninstance = \"" + instance + "\"\nlease_ttl = 3\n";
    return options;
}

struct ThreeInstances {
    explicit ThreeInstances(const EtcdProcess& etcd)
        : a(fleet_config(etcd, "a")), b(fleet_config(etcd, "b")), c(fleet_config(etcd, "c")) {}
    ServeProcess a, b, c;
};

}  // namespace

TEST_CASE(
    "fleet remote: a push through one instance changes the OTA answers of all three, and a "
    "rollback through another brings them back",
    "[fleet][remote]") {
    EtcdProcess etcd;
    ThreeInstances fleet(etcd);
    const std::string before = ota_websocket_url(fleet.c);
    REQUIRE(before.starts_with("ws://127.0.0.1:"));
    const HttpReply pushed = push(fleet.a, "0", R"({"server":{"advertise_host":"localhost"}})",
                                  {{"X-Xiaozhi-Author", "ops"}});
    INFO(pushed.body);
    REQUIRE(pushed.status == 200);
    const std::string revision = etag(pushed);
    CHECK(json::parse(pushed.body)["revision"] == revision);
    // Every instance reported it before the answer came.
    CHECK(outcomes_of(pushed) ==
          std::map<std::string, std::string>{{"a", "applied"}, {"b", "applied"}, {"c", "applied"}});
    for (ServeProcess* serve : {&fleet.a, &fleet.b, &fleet.c}) {
        CHECK(ota_websocket_url(*serve).starts_with("ws://localhost:"));
        CHECK(serve->wait_for_log("remote layer applied", 1000));
    }
    // etcd holds the layer and the revision's record.
    const auto remote = etcd.get_prefix("/xiaozhi/test/remote");
    REQUIRE(remote.size() == 1);
    CHECK(json::parse(remote[0].second) ==
          json::parse(R"({"server":{"advertise_host":"localhost"}})"));
    // Every instance sees the same history, whichever is asked.
    const HttpReply history = admin_call(fleet.c.http_port(), kToken, "GET", "history");
    REQUIRE(history.status == 200);
    const json revisions = json::parse(history.body)["revisions"];
    REQUIRE(revisions.size() == 1);
    CHECK(revisions[0]["revision"] == revision);
    CHECK(revisions[0]["author"] == "ops");
    CHECK(revisions[0]["changed_keys"] == json::array({"server.advertise_host"}));

    const HttpReply rolled =
        admin_call(fleet.b.http_port(), kToken, "POST", "rollback/0", {{"If-Match", revision}});
    INFO(rolled.body);
    REQUIRE(rolled.status == 200);
    CHECK(outcomes_of(rolled).size() == 3);
    for (ServeProcess* serve : {&fleet.a, &fleet.b, &fleet.c}) {
        CHECK(eventually([&] { return ota_websocket_url(*serve).starts_with("ws://127.0.0.1:"); },
                         2000));
    }
}

TEST_CASE("fleet remote: of two concurrent pushes through two instances exactly one wins",
          "[fleet][remote]") {
    EtcdProcess etcd;
    ServeProcess a(fleet_config(etcd, "a"));
    ServeProcess b(fleet_config(etcd, "b"));
    for (int round = 0; round < 3; ++round) {
        const std::string current = etag(admin_call(a.http_port(), kToken, "GET", "remote"));
        const std::string host = round % 2 == 0 ? "localhost" : "127.0.0.1";
        const std::string body = R"({"server":{"advertise_host":")" + host + R"("}})";
        auto first = std::async(std::launch::async, [&] { return push(a, current, body); });
        auto second = std::async(std::launch::async, [&] { return push(b, current, body); });
        const HttpReply one = first.get();
        const HttpReply two = second.get();
        INFO(one.body << "\n" << two.body);
        CHECK(
            ((one.status == 200 && two.status == 412) || (one.status == 412 && two.status == 200)));
        const HttpReply& lost = one.status == 412 ? one : two;
        const HttpReply& won = one.status == 200 ? one : two;
        CHECK(json::parse(lost.body)["current_revision"] == etag(won));
    }
    const json revisions =
        json::parse(admin_call(b.http_port(), kToken, "GET", "history").body)["revisions"];
    CHECK(revisions.size() == 3);
}

TEST_CASE(
    "fleet remote: with etcd stopped the instances serve on and pushes get 503, and after etcd is "
    "back a push reaches both",
    "[fleet][remote]") {
    EtcdProcess etcd;
    ServeProcess a(fleet_config(etcd, "a"));
    ServeProcess b(fleet_config(etcd, "b"));
    const HttpReply first = push(a, "0", R"({"server":{"advertise_host":"localhost"}})");
    REQUIRE(first.status == 200);
    etcd.stop();
    const HttpReply refused = push(b, etag(first), R"({"server":{"advertise_host":"127.0.0.1"}})");
    INFO(refused.body);
    CHECK(refused.status == 503);
    CHECK(contains(refused.body, "etcd unreachable"));
    // The last applied configuration stays in force.
    CHECK(ota_websocket_url(a).starts_with("ws://localhost:"));
    CHECK(ota_websocket_url(b).starts_with("ws://localhost:"));
    etcd.start();
    CHECK(eventually(
        [&] {
            return push(b, etag(first), R"({"server":{"advertise_host":"127.0.0.1"}})").status ==
                   200;
        },
        15000));
    CHECK(eventually([&] { return ota_websocket_url(a).starts_with("ws://127.0.0.1:"); }, 5000));
    CHECK(ota_websocket_url(b).starts_with("ws://127.0.0.1:"));
}

TEST_CASE(
    "fleet remote: a serve started while etcd is away runs the layer it applied last, then "
    "follows the fleet",
    "[fleet][remote]") {
    EtcdProcess etcd;
    // Stopped, not destroyed: its folder (with the state) goes with the object.
    ServeProcess a(fleet_config(etcd, "a"));
    REQUIRE(push(a, "0", R"({"server":{"advertise_host":"localhost"}})").status == 200);
    ServeProcess::Options again;
    again.config_toml = fleet_config(etcd, "a");
    again.reuse_dir = a.dir();
    REQUIRE(a.stop() == 0);
    etcd.stop();
    ServeProcess restarted(again);
    INFO(restarted.log());
    CHECK(restarted.wait_for_log("starting with the remote layer applied last", 5000));
    CHECK(ota_websocket_url(restarted).starts_with("ws://localhost:"));
    etcd.start();
    ServeProcess b(fleet_config(etcd, "b"));
    const std::string current = etag(admin_call(b.http_port(), kToken, "GET", "remote"));
    REQUIRE(push(b, current, R"({"server":{"advertise_host":"127.0.0.1"}})").status == 200);
    CHECK(eventually([&] { return ota_websocket_url(restarted).starts_with("ws://127.0.0.1:"); },
                     10000));
}

TEST_CASE(
    "fleet remote: an instance that cannot bind a pushed port keeps its configuration and the "
    "push's answer says so",
    "[fleet][remote]") {
    EtcdProcess etcd;
    const int ws_b = free_port();
    const ServeProcess::Options oa = fixed_ports(etcd, "a", free_port());
    const ServeProcess::Options ob = fixed_ports(etcd, "b", ws_b);
    ServeProcess a(oa);
    ServeProcess b(ob);
    // One port for both on one host: the first to apply takes it, the other cannot.
    const int shared = free_port();
    const HttpReply pushed = push(a, "0", R"({"server":{"port":)" + std::to_string(shared) + "}}");
    INFO(pushed.body);
    REQUIRE(pushed.status == 200);
    CHECK(outcomes_of(pushed) ==
          std::map<std::string, std::string>{{"a", "applied"}, {"b", "refused"}});
    const json answer = json::parse(pushed.body);
    for (const json& item : answer["instances"]) {
        if (item["instance"] == "b") CHECK_FALSE(item["reason"].get<std::string>().empty());
    }
    CHECK(ota_websocket_url(a) == "ws://127.0.0.1:" + std::to_string(shared) + "/xiaozhi/v1/");
    CHECK(ota_websocket_url(b) == "ws://127.0.0.1:" + std::to_string(ws_b) + "/xiaozhi/v1/");
    CHECK(b.wait_for_log("remote layer refused, still serving the previous configuration", 1000));
    const auto entry = etcd.get_prefix("/xiaozhi/test/instances/b");
    REQUIRE(entry.size() == 1);
    CHECK(json::parse(entry[0].second)["remote_outcome"]["status"] == "refused");
}

TEST_CASE(
    "fleet remote: a confirm-within revision is reverted exactly once after the pushing "
    "instance was killed",
    "[fleet][remote]") {
    EtcdProcess etcd;
    ThreeInstances fleet(etcd);
    const HttpReply pushed = push(fleet.a, "0", R"({"server":{"advertise_host":"localhost"}})",
                                  {{"X-Confirm-Within", "2s"}});
    INFO(pushed.body);
    REQUIRE(pushed.status == 200);
    fleet.a.stop(SIGKILL);
    CHECK(ota_websocket_url(fleet.b).starts_with("ws://localhost:"));
    CHECK(eventually([&] { return ota_websocket_url(fleet.b).starts_with("ws://127.0.0.1:"); },
                     8000));
    CHECK(eventually([&] { return ota_websocket_url(fleet.c).starts_with("ws://127.0.0.1:"); },
                     2000));
    // Both survivors saw the deadline pass; one reverted, the other's txn lost.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const json history =
        json::parse(admin_call(fleet.c.http_port(), kToken, "GET", "history").body);
    int reverts = 0;
    for (const json& revision : history["revisions"]) reverts += revision["kind"] == "revert";
    CHECK(reverts == 1);
    CHECK(history["revisions"].size() == 2);
    const int logged = contains(fleet.b.log(), "remote layer reverted") +
                       contains(fleet.c.log(), "remote layer reverted");
    CHECK(logged == 1);
}

TEST_CASE("fleet remote: a confirmed revision stays, and history keeps the last 20",
          "[fleet][remote]") {
    EtcdProcess etcd;
    ServeProcess a(fleet_config(etcd, "a"));
    ServeProcess b(fleet_config(etcd, "b"));
    const HttpReply pushed =
        push(a, "0", R"({"server":{"advertise_host":"localhost"}})", {{"X-Confirm-Within", "2s"}});
    REQUIRE(pushed.status == 200);
    const HttpReply confirmed =
        admin_call(b.http_port(), kToken, "POST", "confirm/" + etag(pushed));
    INFO(confirmed.body);
    CHECK(confirmed.status == 200);
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(ota_websocket_url(a).starts_with("ws://localhost:"));
    CHECK_FALSE(contains(a.log(), "remote layer reverted"));
    CHECK_FALSE(contains(b.log(), "remote layer reverted"));
    std::string current = etag(pushed);
    for (int i = 0; i < 21; ++i) {
        const std::string host = i % 2 == 0 ? "127.0.0.1" : "localhost";
        const HttpReply next =
            push(i % 2 == 0 ? a : b, current, R"({"server":{"advertise_host":")" + host + R"("}})",
                 {{"X-Xiaozhi-Wait", "0"}});
        REQUIRE(next.status == 200);
        current = etag(next);
    }
    const json revisions =
        json::parse(admin_call(a.http_port(), kToken, "GET", "history").body)["revisions"];
    CHECK(revisions.size() == 20);
    CHECK(revisions[0]["revision"] == current);
    CHECK(etcd.get_prefix("/xiaozhi/test/history/").size() == 20);
    CHECK(etcd.get_prefix("/xiaozhi/test/confirmed/").empty());
}

namespace {

Result ota_push(const ServeProcess& serve, std::vector<std::string> args) {
    args.insert(args.begin(),
                {"ota-push", "--server", "http://127.0.0.1:" + std::to_string(serve.http_port())});
    Run run;
    run.args = std::move(args);
    run.env = {"XIAOZHI_ADMIN_TOKEN=" + kToken};
    run.timeout_ms = 60000;
    Result result = run_xiaozhi(run);
    UNSCOPED_INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
    return result;
}

}  // namespace

TEST_CASE(
    "fleet remote: ota-push through one instance reports every instance and verifies each "
    "one's address as a device",
    "[fleet][remote][ota-push]") {
    EtcdProcess etcd;
    ServeProcess a(fleet_config(etcd, "a"));
    ServeProcess b(fleet_config(etcd, "b"));
    const Result pushed =
        ota_push(a, {"--set", "server.advertise_host=localhost", "--format", "json"});
    REQUIRE(pushed.exit_code == 0);
    const json report = parse_json(pushed.out);
    REQUIRE(report["instances"].size() == 2);
    for (const json& instance : report["instances"]) CHECK(instance["outcome"] == "applied");
    CHECK(report["verification"]["status"] == "passed");
    CHECK(contains(report["verification"]["note"].get<std::string>(),
                   "every instance of the fleet (2) answered hello"));
    CHECK(ota_websocket_url(b).starts_with("ws://localhost:"));
    const Result text = ota_push(b, {"--set", "server.advertise_host=127.0.0.1"});
    CHECK(text.exit_code == 0);
    CHECK(contains(text.out + text.err, "Fleet instance a ("));
    CHECK(contains(text.out + text.err, "Fleet instance b ("));
    CHECK(ota_websocket_url(a).starts_with("ws://127.0.0.1:"));
}

TEST_CASE(
    "fleet remote: ota-push restores the previous revision when an instance of the fleet "
    "refuses the change",
    "[fleet][remote][ota-push]") {
    EtcdProcess etcd;
    const ServeProcess::Options oa = fixed_ports(etcd, "a", free_port());
    const ServeProcess::Options ob = fixed_ports(etcd, "b", free_port());
    ServeProcess a(oa);
    ServeProcess b(ob);
    const std::string before = ota_websocket_url(a);
    const Result pushed =
        ota_push(a, {"--set", "server.port=" + std::to_string(free_port()), "--format", "json"});
    CHECK(pushed.exit_code == 1);
    const json report = parse_json(pushed.out);
    CHECK(contains(report.dump(), "fleet instance b refused it"));
    CHECK(report.contains("restored"));
    CHECK(eventually([&] { return ota_websocket_url(a) == before; }, 5000));
}

TEST_CASE(
    "fleet: check-ports --fleet finds a port another instance binds on this host and a "
    "copied server.websocket, and stays quiet on the near miss",
    "[fleet][check-ports]") {
    EtcdProcess etcd;
    ServeProcess a(fleet_config(etcd, "a"));
    const std::string a_url =
        "ws://127.0.0.1:" + std::to_string(a.websocket_port()) + "/xiaozhi/v1/";
    TempDir dir;
    const auto check = [&](const std::string& toml, std::vector<std::string> extra = {}) {
        const std::string file = dir.write("b.toml", toml);
        std::vector<std::string> args = {"check-ports", file,       "--no-probe", "--fleet",
                                         etcd.url(),    "--format", "json"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_xiaozhi(args);
    };
    const std::string fleet_section =
        "[fleet]\nname = \"test\"\ninstance = \"b\"\netcd = [\"" + etcd.url() + "\"]\n";
    const Result same_port =
        check("[server]\nport = " + std::to_string(a.websocket_port()) +
              "\nhttp_port = " + std::to_string(free_port()) + "\n" + fleet_section);
    INFO(same_port.out << same_port.err);
    CHECK(same_port.exit_code == 1);
    const json report = parse_json(same_port.out);
    const auto conflicts = findings_with_rule(report, "fleet.port-conflict");
    REQUIRE(conflicts.size() == 1);
    CHECK(contains(conflicts[0]["message"].get<std::string>(), "fleet instance a"));

    const Result copied = check("[server]\nport = " + std::to_string(free_port()) +
                                "\nhttp_port = " + std::to_string(free_port()) +
                                "\nwebsocket = \"" + a_url + "\"\n" + fleet_section);
    INFO(copied.out);
    CHECK(findings_with_rule(parse_json(copied.out), "fleet.duplicate-url").size() == 1);

    const Result apart =
        check("[server]\nport = " + std::to_string(free_port()) +
              "\nhttp_port = " + std::to_string(free_port()) + "\n" + fleet_section);
    INFO(apart.out);
    CHECK(apart.exit_code == 0);
    CHECK(findings_with_rule(parse_json(apart.out), "fleet.port-conflict").empty());

    // Checking a's own configuration again finds nothing of a.
    const Result itself = check("[server]\nport = " + std::to_string(a.websocket_port()) +
                                "\n[fleet]\nname = \"test\"\ninstance = \"a\"\n");
    CHECK(findings_with_rule(parse_json(itself.out), "fleet.port-conflict").empty());

    etcd.stop();
    const Result away = check("[server]\nport = 8100\n" + fleet_section);
    CHECK(away.exit_code == 3);
    CHECK(away.err_lines().size() == 1);
    CHECK(contains(away.err, "--fleet: etcd unreachable"));
}

TEST_CASE("fleet: serve refuses to start on a port another instance of its fleet binds",
          "[fleet][check-ports]") {
    EtcdProcess etcd;
    ServeProcess a(fleet_config(etcd, "a"));
    ServeProcess::Options options;
    options.loopback_free_ports = false;
    options.wait_ready = false;
    options.config_toml =
        "[server]\nip = \"127.0.0.1\"\nport = " + std::to_string(a.websocket_port()) +
        "\nhttp_port = " + std::to_string(free_port()) + "\n" + "[fleet]\netcd = [\"" + etcd.url() +
        "\"]\nname = \"test\"\ninstance = \"b\"\nlease_ttl = 3\n";
    ServeProcess b(options);
    CHECK(b.wait_exit(30000) == 1);
    INFO(b.log());
    CHECK(contains(b.log(), "fleet.port-conflict"));
    CHECK(contains(b.log(), "fleet instance a"));
}

TEST_CASE(
    "fleet: with fleet.user and fleet.password serve registers, follows and pushes on an etcd "
    "with authentication, and a wrong password is refused at the start",
    "[fleet][auth]") {
    EtcdProcess etcd;
    etcd.enable_auth("xiaozhi", "fleet-pass");
    const std::string auth = "user = \"xiaozhi\"\npassword = \"fleet-pass\"\n";
    ServeProcess a(fleet_config(etcd, "a") + auth);
    ServeProcess b(fleet_config(etcd, "b") + auth);
    CHECK(
        eventually([&] { return etcd.get_prefix("/xiaozhi/test/instances/").size() == 2; }, 5000));
    const HttpReply pushed = push(a, "0", R"({"server":{"advertise_host":"localhost"}})");
    INFO(pushed.body);
    REQUIRE(pushed.status == 200);
    CHECK(outcomes_of(pushed) ==
          std::map<std::string, std::string>{{"a", "applied"}, {"b", "applied"}});
    CHECK(ota_websocket_url(b).starts_with("ws://localhost:"));
    // The password never reaches the log or the effective configuration's answer.
    CHECK_FALSE(contains(a.log(), "fleet-pass"));
    CHECK_FALSE(contains(admin_call(a.http_port(), kToken, "GET", "config").body, "fleet-pass"));

    ServeProcess::Options wrong;
    wrong.config_toml = fleet_config(etcd, "c") + "user = \"xiaozhi\"\npassword = \"nope\"\n";
    wrong.wait_ready = false;
    ServeProcess refused(wrong);
    CHECK(refused.wait_exit(30000) == 1);
    INFO(refused.log());
    CHECK(contains(refused.log(), "etcd refused fleet.user xiaozhi"));
    // Without a user, etcd refuses too: the start says so instead of serving on.
    ServeProcess::Options none;
    none.config_toml = fleet_config(etcd, "d");
    none.wait_ready = false;
    ServeProcess anonymous(none);
    CHECK(anonymous.wait_exit(30000) == 1);
    INFO(anonymous.log());
    CHECK(contains(anonymous.log(), "user name is empty"));
}
