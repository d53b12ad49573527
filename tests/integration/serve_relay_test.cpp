// serve with server.backend = "relay" in front of real upstreams: a second serve (echo backend)
// and a Python websockets server that records what it got; failover, health, drain, closes.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "cli_harness.hpp"
#include "eventually.hpp"
#include "http_client.hpp"
#include "protocol/device_token.hpp"
#include "script_peer.hpp"
#include "serve_process.hpp"
#include "simulate_run.hpp"
#include "test_ca.hpp"
#include "ws_client.hpp"

using namespace xiaozhi::testing;
namespace protocol = xiaozhi::protocol;

namespace {

constexpr const char* kDevice = "aa:bb:cc:dd:ee:01";
constexpr const char* kClient = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
constexpr const char* kHello =
    R"({"type":"hello","version":1,"features":{"mcp":true},"transport":"websocket",)"
    R"("audio_params":{"format":"opus","sample_rate":16000,"channels":1,"frame_duration":60}})";

std::string ws_url_of(int port) {
    return "ws://127.0.0.1:" + std::to_string(port) + "/xiaozhi/v1/";
}

// A relaying serve's configuration: `upstreams` in order, checked every second.
std::string relay_config(const std::vector<std::string>& upstreams, const std::string& extra = "") {
    std::string list;
    for (const auto& url : upstreams) list += (list.empty() ? "\"" : ", \"") + url + "\"";
    return "[server]\nbackend = \"relay\"\n\n[upstream]\nwebsocket = [" + list +
           "]\nhealth_interval = 1\nfall = 1\nrise = 1\nconnect_timeout = 2\n" + extra;
}

// The Python upstream, recording into `record`.
std::vector<std::string> python_upstream(const std::string& record,
                                         std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "/usr/bin/python3", std::string(XIAOZHI_FIXTURES) + "/../integration/relay_upstream.py",
        "--record", record};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

int port_of(const ScriptPeer& peer) {
    return peer.ready.at("port").get<int>();
}

std::vector<nlohmann::json> recorded(const std::string& path) {
    std::vector<nlohmann::json> entries;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) entries.push_back(parse_json(line));
    return entries;
}

WsConnect as_device(const std::string& device = kDevice) {
    WsConnect options;
    options.headers = {{"Device-Id", device}, {"Client-Id", kClient}, {"Protocol-Version", "1"}};
    return options;
}

nlohmann::json say_hello(WsClient& client) {
    REQUIRE(client.send_text(kHello));
    const auto answer = client.read_text(8000);
    INFO("error: " << client.error() << " close " << client.close_code() << " "
                   << client.close_reason());
    REQUIRE(answer);
    const nlohmann::json parsed = parse_json(*answer);
    REQUIRE(parsed.at("type") == "hello");
    return parsed;
}

std::string metrics_of(const ServeProcess& serve) {
    const HttpReply result = http_get(serve.http_port(), "/metrics");
    REQUIRE(result.status == 200);
    return result.body;
}

}  // namespace

TEST_CASE("relay: simulated devices talk through serve to a second serve over v1, v2 and v3",
          "[relay]") {
    ServeProcess upstream;
    ServeProcess relay(relay_config({ws_url_of(upstream.websocket_port())}));
    TempDir dir;
    for (const std::string version : {"1", "2", "3"}) {
        INFO("protocol " << version);
        const Simulated run =
            run_simulation(dir,
                           {"--ws", ws_url_of(relay.websocket_port()), "--devices", "10", "--turns",
                            "2", "--ramp", "300ms", "--protocol", version, "--verify-audio",
                            "--threads", "2", "--pause", "100ms", "--utterance", "600ms"},
                           120000);
        INFO(run.result.out << run.result.err);
        CHECK(run.result.exit_code == 0);
        CHECK(run.report["devices"]["hello_ok"] == 10);
        CHECK(run.report["turns"]["completed"] == 20);
        CHECK(run.report["errors"]["total"] == 0);
        // Every frame went up through the relay, was echoed by the upstream and came back
        // through the relay unchanged.
        CHECK(run.report["frames"]["sent"] == 10 * 2 * 10);
        CHECK(run.report["echo"]["echoed"] == 10 * 2 * 10);
        CHECK(run.report["echo"]["lost"] == 0);
        CHECK(run.report["echo"]["unmatched"] == 0);
        CHECK(run.report["frames"]["bad"] == 0);
    }
    const std::string metrics = metrics_of(relay);
    const std::string label = "upstream=\"" + ws_url_of(upstream.websocket_port()) + "\"";
    CHECK(contains(metrics, "xiaozhi_upstream_healthy{" + label + "} 1"));
    CHECK(contains(metrics, "xiaozhi_upstream_frames_up_total{" + label + "}"));
    CHECK(contains(metrics, "xiaozhi_upstream_connect_seconds_count{" + label + "} 30"));
}

TEST_CASE("relay: the Python upstream sees the device's own headers, address and query ids",
          "[relay]") {
    TempDir dir;
    const std::string record = dir.path() + "/headers.jsonl";
    ScriptPeer upstream(python_upstream(record));
    ServeProcess relay(relay_config({ws_url_of(port_of(upstream))}));

    WsClient client;
    WsConnect options = as_device();
    options.headers.emplace_back("Authorization", "Bearer device-token-123");
    options.headers.emplace_back("X-Forwarded-For", "198.51.100.7");
    REQUIRE(client.connect(relay.websocket_port(), options));
    const nlohmann::json hello = say_hello(client);
    CHECK(hello.at("session_id") == "py-1");  // the upstream's session id, not serve's
    // Text and binary messages cross unchanged both ways.
    REQUIRE(client.send_text(R"({"type":"listen","state":"start","mode":"manual"})"));
    const auto echoed = client.read_text(5000);
    REQUIRE(echoed);
    CHECK(*echoed == R"({"type":"listen","state":"start","mode":"manual"})");
    const std::vector<std::uint8_t> bytes = {0, 1, 2, 3, 250, 251, 252, 253};
    REQUIRE(client.send_binary(bytes));
    const auto binary = client.read(5000);
    REQUIRE(binary);
    CHECK_FALSE(binary->text);
    CHECK(std::vector<std::uint8_t>(binary->data.begin(), binary->data.end()) == bytes);
    client.close();

    // A browser-style client: ids in the query string, no id headers.
    WsClient browser;
    WsConnect query_options;
    query_options.target = "/xiaozhi/v1/?device-id=aa:bb:cc:dd:ee:02&client-id=browser-1";
    REQUIRE(browser.connect(relay.websocket_port(), query_options));
    say_hello(browser);
    browser.close();

    REQUIRE(eventually([&] { return recorded(record).size() >= 2; }, 5000));
    const auto entries = recorded(record);
    const auto& device = entries.at(0).at("headers");
    CHECK(entries.at(0).at("path") == "/xiaozhi/v1/");
    CHECK(device.at("device-id") == kDevice);
    CHECK(device.at("client-id") == kClient);
    CHECK(device.at("protocol-version") == "1");
    CHECK(device.at("authorization") == "Bearer device-token-123");
    CHECK(device.at("x-real-ip") == "127.0.0.1");
    CHECK(device.at("x-forwarded-for") == "198.51.100.7, 127.0.0.1");
    CHECK(entries.at(1).at("path") ==
          "/xiaozhi/v1/?device-id=aa:bb:cc:dd:ee:02&client-id=browser-1");
    CHECK_FALSE(entries.at(1).at("headers").contains("device-id"));
}

TEST_CASE("relay: upstream.auth_key re-signs the device's token in the reference's format",
          "[relay]") {
    TempDir dir;
    const std::string record = dir.path() + "/headers.jsonl";
    ScriptPeer upstream(python_upstream(record));
    ServeProcess relay(
        relay_config({ws_url_of(port_of(upstream))}, "auth_key = \"upstream-secret\"\n"));
    WsClient client;
    WsConnect options = as_device();
    options.headers.emplace_back("Authorization", "Bearer some-other-token");
    REQUIRE(client.connect(relay.websocket_port(), options));
    say_hello(client);
    client.close();
    REQUIRE(eventually([&] { return !recorded(record).empty(); }, 5000));
    const std::string authorization =
        recorded(record).at(0).at("headers").at("authorization").get<std::string>();
    REQUIRE(authorization.starts_with("Bearer "));
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    CHECK(protocol::verify_token("upstream-secret", authorization.substr(7), kClient, kDevice, now,
                                 60) == protocol::TokenCheck::ok);
}

TEST_CASE("relay: closes propagate with their codes both ways", "[relay]") {
    TempDir dir;
    const std::string record = dir.path() + "/headers.jsonl";
    ScriptPeer upstream(python_upstream(record, {"--close-after", "2", "--close-code", "4321"}));
    ServeProcess relay(relay_config({ws_url_of(port_of(upstream))}));
    WsClient client;
    REQUIRE(client.connect(relay.websocket_port(), as_device()));
    say_hello(client);
    REQUIRE(client.send_text(R"({"type":"abort"})"));
    REQUIRE(client.read_text(5000));
    CHECK_FALSE(client.read(5000));
    CHECK(client.closed());
    CHECK(client.close_code() == 4321);
    CHECK(client.close_reason() == "upstream says bye");
}

TEST_CASE("relay: an upstream refusing the upgrade closes the device with 1008 and its status",
          "[relay]") {
    TempDir dir;
    const std::string record = dir.path() + "/headers.jsonl";
    ScriptPeer upstream(python_upstream(record, {"--refuse-status", "401"}));
    ServeProcess relay(relay_config({ws_url_of(port_of(upstream))}));
    WsClient client;
    REQUIRE(client.connect(relay.websocket_port(), as_device()));
    REQUIRE(client.send_text(kHello));
    CHECK_FALSE(client.read(8000));
    CHECK(client.close_code() == 1008);
    CHECK(contains(client.close_reason(), "401"));
}

TEST_CASE("relay: a dead upstream is skipped before the device notices, and marked unhealthy",
          "[relay]") {
    const int dead = free_port();
    ServeProcess upstream;
    ServeProcess relay(relay_config({ws_url_of(dead), ws_url_of(upstream.websocket_port())}));
    // Right away (health not yet known, so the dead one may be chosen first) and afterwards.
    for (int attempt = 0; attempt < 3; ++attempt) {
        WsClient client;
        REQUIRE(client.connect(relay.websocket_port(), as_device()));
        say_hello(client);
        client.close();
    }
    const std::string dead_label = "upstream=\"" + ws_url_of(dead) + "\"";
    CHECK(eventually(
        [&] {
            return contains(metrics_of(relay), "xiaozhi_upstream_healthy{" + dead_label + "} 0");
        },
        5000));
    CHECK(relay.wait_for_log("upstream unhealthy", 5000));
    CHECK(parse_json(http_get(relay.http_port(), "/healthz").body).at("status") == "ok");
}

TEST_CASE("relay: no healthy upstream closes the device with 1011 and /healthz says degraded",
          "[relay]") {
    ServeProcess relay(relay_config({ws_url_of(free_port())}));
    WsClient client;
    REQUIRE(client.connect(relay.websocket_port(), as_device()));
    REQUIRE(client.send_text(kHello));
    CHECK_FALSE(client.read(8000));
    CHECK(client.close_code() == 1011);
    CHECK(eventually(
        [&] {
            return parse_json(http_get(relay.http_port(), "/healthz").body).at("status") ==
                   "degraded";
        },
        5000));
    // The OTA answer still hands out serve's own address.
    const HttpReply ota = http_call(relay.http_port(), ota_request(kDevice, kClient));
    REQUIRE(ota.status == 200);
    CHECK(parse_json(ota.body).at("websocket").at("url") == ws_url_of(relay.websocket_port()));
}

TEST_CASE(
    "relay: an upstream killed mid-session closes the device with 1011, which reconnects "
    "to the other upstream",
    "[relay]") {
    TempDir dir;
    const std::string record_a = dir.path() + "/a.jsonl";
    const std::string record_b = dir.path() + "/b.jsonl";
    ScriptPeer first(python_upstream(record_a, {"--session-prefix", "first"}));
    ScriptPeer second(python_upstream(record_b, {"--session-prefix", "second"}));
    ServeProcess relay(relay_config({ws_url_of(port_of(first)), ws_url_of(port_of(second))}));
    WsClient client;
    REQUIRE(client.connect(relay.websocket_port(), as_device()));
    CHECK(say_hello(client).at("session_id") == "first-1");
    first.kill();
    CHECK_FALSE(client.read(8000));
    CHECK(client.close_code() == 1011);
    CHECK(contains(client.close_reason(), "upstream lost"));
    WsClient again;
    REQUIRE(again.connect(relay.websocket_port(), as_device()));
    CHECK(say_hello(again).at("session_id") == "second-1");
}

TEST_CASE(
    "relay: an upstream removed on SIGHUP drains: new sessions go elsewhere, old ones are "
    "closed after drain_timeout",
    "[relay]") {
    TempDir dir;
    const std::string record_a = dir.path() + "/a.jsonl";
    const std::string record_b = dir.path() + "/b.jsonl";
    ScriptPeer first(python_upstream(record_a, {"--session-prefix", "first"}));
    ScriptPeer second(python_upstream(record_b, {"--session-prefix", "second"}));
    const std::string a = ws_url_of(port_of(first));
    const std::string b = ws_url_of(port_of(second));
    ServeProcess relay(relay_config({a, b}, "drain_timeout = 2\n"));
    WsClient old_session;
    REQUIRE(old_session.connect(relay.websocket_port(), as_device()));
    CHECK(say_hello(old_session).at("session_id") == "first-1");

    relay.write("xiaozhi.toml", relay_config({b}, "drain_timeout = 2\n"));
    relay.signal(SIGHUP);
    REQUIRE(relay.wait_for_log("upstream removed, draining", 10000));
    WsClient new_session;
    REQUIRE(new_session.connect(relay.websocket_port(), as_device("aa:bb:cc:dd:ee:03")));
    CHECK(say_hello(new_session).at("session_id") == "second-1");
    // The drained session still works until the drain timeout, then is closed with 1001.
    REQUIRE(old_session.send_text(R"({"type":"abort"})"));
    CHECK(old_session.read_text(3000));
    CHECK_FALSE(old_session.read(8000));
    CHECK(old_session.close_code() == 1001);
    CHECK(new_session.send_text(R"({"type":"abort"})"));
    CHECK(new_session.read_text(3000));
}

TEST_CASE("relay: SIGTERM closes both sides cleanly", "[relay]") {
    ServeProcess upstream;
    ServeProcess relay(relay_config({ws_url_of(upstream.websocket_port())}));
    WsClient client;
    REQUIRE(client.connect(relay.websocket_port(), as_device()));
    say_hello(client);
    relay.signal(SIGTERM);
    CHECK_FALSE(client.read(8000));
    CHECK(client.close_code() == 1001);
    CHECK(relay.wait_exit(15000) == 0);
    CHECK(upstream.wait_for_log("session closed", 5000));
}

namespace {

std::vector<std::string> management_api(const std::string& record,
                                        std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "/usr/bin/python3",
        std::string(XIAOZHI_FIXTURES) + "/../integration/fake_management_api.py", "--record",
        record};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::string ota_config(int api_port, const std::string& extra = "") {
    return "[upstream]\nota = \"http://127.0.0.1:" + std::to_string(api_port) +
           "/xiaozhi/ota/\"\nota_timeout = 2\n" + extra;
}

}  // namespace

TEST_CASE("OTA pass-through keeps activation and unknown fields and replaces websocket.url",
          "[relay][ota]") {
    TempDir dir;
    const std::string record = dir.path() + "/ota.jsonl";
    ScriptPeer api(management_api(record));
    ServeProcess serve(ota_config(port_of(api)));
    const HttpReply reply = http_call(serve.http_port(), ota_request(kDevice, kClient, "1.0.0"));
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    const nlohmann::json answer = parse_json(reply.body);
    CHECK(answer.at("activation").at("code") == "123456");
    CHECK(answer.at("activation").at("challenge") == "abc-challenge");
    CHECK(answer.at("firmware").at("version") == "1.9.0");
    CHECK(answer.at("server_time").at("timestamp") == 1700000000000LL);
    CHECK(answer.at("unknown_field").at("kept") == true);
    CHECK(answer.at("websocket").at("url") == ws_url_of(serve.websocket_port()));
    // serve does not check tokens here, so the upstream's token goes on.
    CHECK(answer.at("websocket").at("token") == "upstream-token");
    const auto requests = recorded(record);
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].at("method") == "POST");
    CHECK(requests[0].at("headers").at("device-id") == kDevice);
    CHECK(requests[0].at("headers").at("client-id") == kClient);
    CHECK(requests[0].at("headers").at("x-real-ip") == "127.0.0.1");
    CHECK(parse_json(requests[0].at("body").get<std::string>()).at("application").at("version") ==
          "1.0.0");
    CHECK(serve.wait_for_log("upstream OTA firmware URL is wrong", 100) == false);
}

TEST_CASE("OTA pass-through with server.auth puts serve's own token in the answer",
          "[relay][ota]") {
    TempDir dir;
    const std::string record = dir.path() + "/ota.jsonl";
    ScriptPeer api(management_api(record));
    ServeProcess serve(ota_config(port_of(api)) +
                       "\n[server]\nauth_key = \"serve-key\"\n\n[server.auth]\nenabled = true\n");
    const HttpReply reply = http_call(serve.http_port(), ota_request(kDevice, kClient));
    REQUIRE(reply.status == 200);
    const std::string token = parse_json(reply.body).at("websocket").at("token").get<std::string>();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    CHECK(protocol::verify_token("serve-key", token, kClient, kDevice, now, 60) ==
          protocol::TokenCheck::ok);
}

TEST_CASE("OTA pass-through: an upstream that is down gets serve's own answer, or 502 with fail",
          "[relay][ota]") {
    TempDir dir;
    const std::string record = dir.path() + "/ota.jsonl";
    SECTION("refused: local fallback") {
        ServeProcess serve(ota_config(free_port()));
        const HttpReply reply = http_call(serve.http_port(), ota_request(kDevice, kClient));
        REQUIRE(reply.status == 200);
        const nlohmann::json answer = parse_json(reply.body);
        CHECK(answer.at("websocket").at("url") == ws_url_of(serve.websocket_port()));
        CHECK_FALSE(answer.contains("activation"));
        CHECK(serve.wait_for_log("upstream OTA failed", 5000));
        CHECK(contains(metrics_of(serve),
                       "xiaozhi_ota_requests_total{outcome=\"passthrough_fallback\"} 1"));
    }
    SECTION("5xx with ota_fallback = fail: 502") {
        ScriptPeer api(management_api(record, {"--status", "503"}));
        ServeProcess serve(ota_config(port_of(api), "ota_fallback = \"fail\"\n"));
        CHECK(http_call(serve.http_port(), ota_request(kDevice, kClient)).status == 502);
    }
    SECTION("not JSON: local fallback") {
        ScriptPeer api(management_api(record, {"--not-json"}));
        ServeProcess serve(ota_config(port_of(api)));
        const HttpReply reply = http_call(serve.http_port(), ota_request(kDevice, kClient));
        REQUIRE(reply.status == 200);
        CHECK_FALSE(parse_json(reply.body).contains("activation"));
    }
    SECTION("too slow: local fallback after ota_timeout") {
        ScriptPeer api(management_api(record, {"--delay", "5"}));
        ServeProcess serve(ota_config(port_of(api)));
        const HttpReply reply = http_call(serve.http_port(), ota_request(kDevice, kClient));
        REQUIRE(reply.status == 200);
        CHECK(serve.wait_for_log("timed out", 5000));
    }
    SECTION("a 4xx answer goes back as it is") {
        ScriptPeer api(management_api(record, {"--status", "404"}));
        ServeProcess serve(ota_config(port_of(api)));
        const HttpReply reply = http_call(serve.http_port(), ota_request(kDevice, kClient));
        CHECK(reply.status == 404);
        CHECK(parse_json(reply.body).at("error") == "upstream says no");
    }
}

TEST_CASE("check-ports passes the README's relay deployments in packaging/compose", "[relay]") {
    const std::string packaging = std::string(XIAOZHI_FIXTURES) + "/../../packaging/compose/";
    for (const char* deployment : {"single-module", "full"}) {
        INFO(deployment);
        const std::string folder = packaging + deployment;
        const Result result =
            run_xiaozhi({"check-ports", folder + "/xiaozhi.toml", "--compose",
                         folder + "/docker-compose.yml", "--no-probe", "--format", "json"});
        INFO(result.out << result.err);
        CHECK(result.exit_code == 0);
        const nlohmann::json report = parse_json(result.out);
        CHECK(report.at("summary").at("error") == 0);
        CHECK(report.at("summary").at("warning") == 0);
    }
    // The near miss: the same compose file with serve's upstream pointing at serve itself.
    TempDir dir;
    const std::string folder = packaging + "single-module";
    const std::string looped =
        dir.write("xiaozhi.toml",
                  "[server]\nadvertise_host = \"192.168.1.10\"\nbackend = \"relay\"\n\n[upstream]\n"
                  "websocket = [\"ws://xiaozhi-serve:8000/xiaozhi/v1/\"]\n");
    const Result result = run_xiaozhi(
        {"check-ports", looped, "--compose", folder + "/docker-compose.yml", "--no-probe"});
    CHECK(result.exit_code == 1);
    CHECK(contains(result.out, "upstream.loop"));
}

TEST_CASE("relay: a wss:// upstream is verified with upstream.ca, and a wrong CA is refused",
          "[relay][tls]") {
    TempDir dir;
    TestCa ca{dir.path() + "/ca"};
    TestCa::Leaf leaf;
    leaf.ip_addresses = {"127.0.0.1"};
    const TestCertificate cert = ca.issue("upstream", leaf);
    const int tls_port = free_port();
    ServeProcess upstream("[server]\nport_fallback = \"any\"\n[server.tls]\ncert = \"" +
                          cert.cert_path + "\"\nkey = \"" + cert.key_path +
                          "\"\nport = " + std::to_string(tls_port) + "\n");
    const std::string wss =
        "wss://127.0.0.1:" + std::to_string(upstream.tls_port()) + "/xiaozhi/v1/";
    SECTION("trusted") {
        ServeProcess relay(relay_config({wss}, "ca = \"" + ca.ca_path() + "\"\n"));
        WsClient client;
        REQUIRE(client.connect(relay.websocket_port(), as_device()));
        const nlohmann::json hello = say_hello(client);
        CHECK(hello.at("transport") == "websocket");
        REQUIRE(client.send_text(R"({"type":"listen","state":"detect","text":"hi"})"));
        client.close();
        CHECK(relay.wait_for_log("relayed to upstream", 5000));
    }
    SECTION("the system store does not know the test CA") {
        ServeProcess relay(relay_config({wss}));
        WsClient client;
        REQUIRE(client.connect(relay.websocket_port(), as_device()));
        REQUIRE(client.send_text(kHello));
        CHECK_FALSE(client.read(8000));
        CHECK(client.close_code() == 1011);
        CHECK(relay.wait_for_log("is not accepted", 5000));
    }
}

TEST_CASE("relay: with sticky a device keeps its upstream while it is healthy", "[relay]") {
    TempDir dir;
    ScriptPeer first(python_upstream(dir.path() + "/a.jsonl", {"--session-prefix", "first"}));
    ScriptPeer second(python_upstream(dir.path() + "/b.jsonl", {"--session-prefix", "second"}));
    ServeProcess relay(
        relay_config({ws_url_of(port_of(first)), ws_url_of(port_of(second))}, "sticky = true\n"));
    std::map<std::string, std::string> chosen;
    std::set<std::string> used;
    for (int round = 0; round < 2; ++round) {
        for (int device = 10; device < 34; ++device) {
            const std::string id = "aa:bb:cc:00:00:" + std::to_string(device);
            WsClient client;
            REQUIRE(client.connect(relay.websocket_port(), as_device(id)));
            const std::string session = say_hello(client).at("session_id").get<std::string>();
            const std::string upstream = session.substr(0, session.find('-'));
            client.close();
            if (round == 0) chosen[id] = upstream;
            CHECK(chosen[id] == upstream);
            used.insert(upstream);
        }
    }
    CHECK(used.size() == 2);  // 24 ids all hash to one of two upstreams once in 2^23 runs
}

TEST_CASE("relay: the hello health check finds an upstream that answers GET but refuses devices",
          "[relay]") {
    TempDir dir;
    ScriptPeer refusing(python_upstream(dir.path() + "/a.jsonl", {"--refuse-status", "403"}));
    const std::string url = ws_url_of(port_of(refusing));
    const std::string label = "xiaozhi_upstream_healthy{upstream=\"" + url + "\"}";
    SECTION("http: the GET passes") {
        ServeProcess relay(relay_config({url}));
        CHECK(relay.wait_for_log("upstream added", 5000));
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        CHECK(contains(metrics_of(relay), label + " 1"));
    }
    SECTION("hello: the refused upgrade fails the check") {
        ServeProcess relay(relay_config({url}, "health = \"hello\"\n"));
        CHECK(eventually([&] { return contains(metrics_of(relay), label + " 0"); }, 6000));
        CHECK(relay.wait_for_log("403", 3000));
    }
}

TEST_CASE(
    "relay: the hello health check keeps an upstream that answers the hello, and the Python "
    "upstream saw the probe's hello",
    "[relay]") {
    TempDir dir;
    const std::string record = dir.path() + "/a.jsonl";
    ScriptPeer answering(python_upstream(record));
    const std::string url = ws_url_of(port_of(answering));
    ServeProcess relay(relay_config({url}, "health = \"hello\"\n"));
    // Three check rounds (1 s apart) and still healthy.
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    CHECK(contains(metrics_of(relay), "xiaozhi_upstream_healthy{upstream=\"" + url + "\"} 1"));
    CHECK_FALSE(contains(relay.log(), "upstream unhealthy"));
    const auto probes = recorded(record);
    REQUIRE(probes.size() >= 3);
    CHECK(probes[0]["headers"]["device-id"] == "xiaozhi-health-check");
}

TEST_CASE("relay: a device that does not read what the upstream sends is closed as a slow reader",
          "[relay]") {
    TempDir dir;
    ScriptPeer upstream(python_upstream(dir.path() + "/a.jsonl", {"--flood", "2000"}));
    ServeProcess relay(relay_config({ws_url_of(port_of(upstream))}));
    WsClient client;
    WsConnect options = as_device();
    options.receive_buffer = 4096;
    REQUIRE(client.connect(relay.websocket_port(), options));
    REQUIRE(client.send_text(kHello));
    CHECK(relay.wait_for_log("reason=slow_reader", 15000));
    CHECK(contains(metrics_of(relay), "xiaozhi_session_closes_total{reason=\"slow_reader\"} 1"));
}

TEST_CASE("relay: more than 256 KiB unread closes a device below the queue's message limit",
          "[relay]") {
    TempDir dir;
    // 200 messages of 48 KiB (9.4 MiB: more than the socket buffers hold) with a queue
    // limit of 10,000 messages: the 256 KiB budget closes the device.
    ScriptPeer upstream(
        python_upstream(dir.path() + "/a.jsonl", {"--flood", "200", "--flood-size", "49152"}));
    std::string config = relay_config({ws_url_of(port_of(upstream))});
    config.replace(0, std::string("[server]\n").size(), "[server]\nsend_queue_limit = 10000\n");
    ServeProcess relay(config);
    WsClient client;
    WsConnect options = as_device();
    options.receive_buffer = 4096;
    REQUIRE(client.connect(relay.websocket_port(), options));
    REQUIRE(client.send_text(kHello));
    CHECK(relay.wait_for_log("reason=slow_reader", 15000));
}

TEST_CASE("relay: every event a relaying serve logs is in the man page", "[relay]") {
    TempDir dir;
    ScriptPeer first(python_upstream(dir.path() + "/a.jsonl", {"--session-prefix", "first"}));
    ScriptPeer second(python_upstream(dir.path() + "/b.jsonl", {"--session-prefix", "second"}));
    const std::string dead = ws_url_of(free_port());
    ServeProcess::Options options;
    // The dead upstream first and out only after three checks: the first session tries it.
    options.config_toml = "[server]\nbackend = \"relay\"\n\n[upstream]\nwebsocket = [\"" + dead +
                          "\", \"" + ws_url_of(port_of(first)) + "\", \"" +
                          ws_url_of(port_of(second)) +
                          "\"]\nhealth_interval = 1\nfall = 3\nota = \"http://127.0.0.1:" +
                          std::to_string(free_port()) + "/xiaozhi/ota/\"\n";
    options.log_format = "json";
    ServeProcess relay(options);
    for (int i = 0; i < 3; ++i) {
        WsClient client;
        REQUIRE(client.connect(relay.websocket_port(), as_device()));
        say_hello(client);
        client.close();
    }
    WsClient lost;
    REQUIRE(lost.connect(relay.websocket_port(), as_device()));
    say_hello(lost);
    REQUIRE(relay.wait_for_log(R"("event":"upstream_down")", 10000));
    first.kill();
    second.kill();
    CHECK_FALSE(lost.read(8000));
    WsClient none;
    REQUIRE(none.connect(relay.websocket_port(), as_device()));
    REQUIRE(none.send_text(kHello));
    CHECK_FALSE(none.read(8000));
    CHECK(http_call(relay.http_port(), ota_request(kDevice, kClient)).status == 200);
    relay.write("xiaozhi.toml", relay_config({dead}));
    relay.signal(SIGHUP);
    REQUIRE(relay.wait_for_log(R"("event":"upstream_draining")", 10000));
    CHECK(relay.stop() == 0);

    std::ifstream in(std::string(XIAOZHI_FIXTURES) + "/../../man/xiaozhi-serve.1");
    const std::string man((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::set<std::string> seen;
    std::istringstream lines(relay.log());
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line.front() != '{') continue;
        const nlohmann::json entry = parse_json(line);
        const std::string event = entry.value("event", "");
        seen.insert(event);
        INFO(line);
        CHECK(man.find(".B " + event + "\n") != std::string::npos);
    }
    for (const char* event :
         {"upstream_added", "upstream_connected", "upstream_connect_failed", "upstream_down",
          "upstream_closed", "upstream_unavailable", "ota_upstream_failed", "upstream_draining"}) {
        CHECK(seen.count(event) == 1);
    }
}

TEST_CASE("relay: a push through the admin API changes the upstream list without dropping sessions",
          "[relay]") {
    TempDir dir;
    ScriptPeer first(python_upstream(dir.path() + "/a.jsonl", {"--session-prefix", "first"}));
    ScriptPeer second(python_upstream(dir.path() + "/b.jsonl", {"--session-prefix", "second"}));
    const std::string a = ws_url_of(port_of(first));
    const std::string b = ws_url_of(port_of(second));
    std::string config = relay_config({a});
    config.replace(0, std::string("[server]\n").size(), "[server]\nadmin_token = \"push-token\"\n");
    ServeProcess relay(config);
    WsClient kept;
    REQUIRE(kept.connect(relay.websocket_port(), as_device()));
    CHECK(say_hello(kept).at("session_id") == "first-1");

    const HttpReply pushed = admin_call(relay.http_port(), "push-token", "PUT", "remote",
                                        {{"Content-Type", "application/toml"}, {"If-Match", "*"}},
                                        "[upstream]\nwebsocket = [\"" + b + "\"]\n");
    INFO(pushed.body);
    REQUIRE(pushed.status == 200);
    WsClient next;
    REQUIRE(next.connect(relay.websocket_port(), as_device("aa:bb:cc:dd:ee:09")));
    CHECK(say_hello(next).at("session_id") == "second-1");
    // The session on the removed upstream goes on (drain_timeout is 60 s).
    REQUIRE(kept.send_text(R"({"type":"abort"})"));
    CHECK(kept.read_text(3000));
    // A push whose upstream would loop back to serve is refused, nothing changes.
    const HttpReply looped = admin_call(
        relay.http_port(), "push-token", "PUT", "remote",
        {{"Content-Type", "application/toml"}, {"If-Match", "*"}},
        "[upstream]\nwebsocket = [\"ws://127.0.0.1:" + std::to_string(relay.websocket_port()) +
            "/xiaozhi/v1/\"]\n");
    CHECK(looped.status == 409);
    CHECK(contains(looped.body, "upstream.loop"));
    WsClient after;
    REQUIRE(after.connect(relay.websocket_port(), as_device("aa:bb:cc:dd:ee:0a")));
    CHECK(say_hello(after).at("session_id") == "second-2");
}

TEST_CASE("relay: an upstream.ca that cannot be used refuses the start and a reload",
          "[relay][tls]") {
    ServeProcess upstream;
    const std::string url = ws_url_of(upstream.websocket_port());
    SECTION("start") {
        ServeProcess::Options options;
        options.config_toml = relay_config({url}, "ca = \"/nonexistent/ca.pem\"\n");
        options.wait_ready = false;
        ServeProcess relay(options);
        CHECK(relay.wait_exit(20000) == 1);
        CHECK(contains(relay.log(), "upstream.ca: cannot use the CA bundle /nonexistent/ca.pem"));
    }
    SECTION("reload") {
        ServeProcess relay(relay_config({url}));
        relay.write("xiaozhi.toml", relay_config({url}, "ca = \"/nonexistent/ca.pem\"\n"));
        relay.signal(SIGHUP);
        CHECK(relay.wait_for_log("upstream CA refused, nothing changed", 10000));
        WsClient client;
        REQUIRE(client.connect(relay.websocket_port(), as_device()));
        say_hello(client);
    }
}

TEST_CASE("relay: wss:// devices talk through serve's TLS listener to a plain upstream",
          "[relay][tls]") {
    TempDir dir;
    TestCa ca{dir.path() + "/ca"};
    TestCa::Leaf leaf;
    leaf.ip_addresses = {"127.0.0.1"};
    const TestCertificate cert = ca.issue("relay", leaf);
    ServeProcess upstream;
    std::string config = relay_config({ws_url_of(upstream.websocket_port())});
    const std::string tls = "port_fallback = \"any\"\n[server.tls]\ncert = \"" + cert.cert_path +
                            "\"\nkey = \"" + cert.key_path +
                            "\"\nport = " + std::to_string(free_port()) + "\n";
    config.insert(config.find("\n[upstream]"), "\n" + tls);
    ServeProcess relay(config);
    const Simulated run = run_simulation(
        dir,
        {"--ota", "https://127.0.0.1:" + std::to_string(relay.tls_port()) + "/xiaozhi/ota/", "--ca",
         ca.ca_path(), "--devices", "4", "--turns", "2", "--verify-audio", "--pause", "100ms",
         "--utterance", "600ms"},
        120000);
    INFO(run.result.out << run.result.err);
    CHECK(run.result.exit_code == 0);
    CHECK(run.report["devices"]["hello_ok"] == 4);
    CHECK(run.report["errors"]["total"] == 0);
    CHECK(run.report["echo"]["echoed"] == 4 * 2 * 10);
    CHECK(run.report["echo"]["lost"] == 0);
    CHECK(run.report["echo"]["unmatched"] == 0);
    CHECK(contains(metrics_of(relay), "xiaozhi_upstream_frames_up_total{upstream=\"" +
                                          ws_url_of(upstream.websocket_port()) + "\"} " +
                                          std::to_string(4 * (1 + 2 * 12))));
}

namespace {

// A device connection below any WebSocket library: the upgrade written and its answer read by
// hand, so a test can send frames no library would.
class RawDevice {
  public:
    explicit RawDevice(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd_ >= 0);
        timeval timeout{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        send(std::string("GET /xiaozhi/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\nDevice-Id: ") +
             kDevice + "\r\nClient-Id: " + kClient + "\r\n\r\n");
        while (received_.find("\r\n\r\n") == std::string::npos && receive()) {
        }
        head_ = received_.substr(0, received_.find("\r\n\r\n") + 4);
        received_.erase(0, head_.size());
    }
    ~RawDevice() { ::close(fd_); }
    RawDevice(const RawDevice&) = delete;
    RawDevice& operator=(const RawDevice&) = delete;

    const std::string& head() const { return head_; }

    void send(const std::string& bytes) {
        REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(bytes.size()));
    }

    // The code of the first close frame serve sends (skipping other frames), or -1.
    int close_code() {
        for (;;) {
            while (received_.size() < 2 && receive()) {
            }
            if (received_.size() < 2) return -1;
            std::size_t size = static_cast<std::uint8_t>(received_[1]) & 0x7f;
            REQUIRE(size < 127);  // serve sends nothing above 64 KiB here
            const std::size_t head = size == 126 ? 4 : 2;
            while (received_.size() < head && receive()) {
            }
            if (size == 126) {
                size = (static_cast<std::uint8_t>(received_[2]) << 8) |
                       static_cast<std::uint8_t>(received_[3]);
            }
            while (received_.size() < head + size && receive()) {
            }
            if (received_.size() < head + size) return -1;
            const auto opcode = static_cast<std::uint8_t>(received_[0]) & 0x0f;
            if (opcode == 0x8 && size >= 2) {
                return (static_cast<std::uint8_t>(received_[head]) << 8) |
                       static_cast<std::uint8_t>(received_[head + 1]);
            }
            received_.erase(0, head + size);
        }
    }

  private:
    bool receive() {
        char buffer[4096];
        const ssize_t size = ::recv(fd_, buffer, sizeof buffer, 0);
        if (size <= 0) return false;
        received_.append(buffer, static_cast<std::size_t>(size));
        return true;
    }

    int fd_ = -1;
    std::string head_;
    std::string received_;
};

// A masked text frame of a device (mask key 1, 2, 3, 4), of at most 125 bytes.
std::string masked_text(const std::string& text) {
    REQUIRE(text.size() < 126);
    std::string frame = {
        static_cast<char>(0x81), static_cast<char>(0x80 | text.size()), 1, 2, 3, 4};
    for (std::size_t i = 0; i < text.size(); ++i)
        frame.push_back(static_cast<char>(text[i] ^ (i % 4 + 1)));
    return frame;
}

}  // namespace

TEST_CASE(
    "relay: a device frame RFC 6455 forbids closes the device with 1002, and a message "
    "above server.max_message_size with 1009",
    "[relay]") {
    ServeProcess upstream;
    ServeProcess relay(relay_config({ws_url_of(upstream.websocket_port())}));
    SECTION("the 101 answers the key as RFC 6455 does") {
        RawDevice device(relay.websocket_port());
        CHECK(contains(device.head(), "HTTP/1.1 101"));
        CHECK(contains(device.head(), "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }
    SECTION("an unmasked frame") {
        RawDevice device(relay.websocket_port());
        device.send(masked_text(R"({"type":"hello","version":1})"));
        device.send(std::string("\x82\x03\x01\x02\x03", 5));
        CHECK(device.close_code() == 1002);
        CHECK(relay.wait_for_log("an unmasked frame from a client", 5000));
    }
    SECTION("a message above the limit") {
        WsClient client;
        REQUIRE(client.connect(relay.websocket_port(), as_device()));
        say_hello(client);
        const std::vector<std::uint8_t> big(70000, 0x11);
        client.send_binary(big);
        CHECK_FALSE(client.read(8000));
        CHECK(client.close_code() == 1009);
        CHECK(contains(metrics_of(relay), "xiaozhi_session_closes_total{reason=\"too_big\"} 1"));
    }
}
