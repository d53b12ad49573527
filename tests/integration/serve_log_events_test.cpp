// serve's log as a program reads it: every JSON line parsed, each event kind's fields and types.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <csignal>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "canary_device.hpp"
#include "cli_harness.hpp"
#include "http_client.hpp"
#include "protocol/binary_frame.hpp"
#include "protocol/device_token.hpp"
#include "serve_process.hpp"
#include "ws_client.hpp"

using namespace xiaozhi::testing;
namespace protocol = xiaozhi::protocol;

namespace {

constexpr const char* kAdminToken = "log-events-admin-token-7f3a";
constexpr const char* kAuthKey = "log-events-auth-key-91c2";
constexpr const char* kCanaryDevice = "ca:ca:ca:ca:ca:01";  // CanaryDevice's id
const std::string kConfig =
    std::string("[server]\nadmin_token = \"") + kAdminToken + "\"\nauth_key = \"" + kAuthKey +
    "\"\n[server.auth]\nenabled = true\nallowed_devices = [\"" + kCanaryDevice + "\"]\n";

// 's' text, 'n' number, 'b' boolean: the fields every line of an event kind has.
const std::map<std::string, std::map<std::string, char>> kEventFields = {
    {"open_files_limit", {{"soft", 'n'}, {"hard", 'n'}}},
    {"bind",
     {{"service", 's'},
      {"address", 's'},
      {"requested_port", 'n'},
      {"bound_port", 'n'},
      {"reason", 's'}}},
    {"serving", {{"ota_url", 's'}, {"websocket_url", 's'}, {"threads", 'n'}}},
    {"ota_answered",
     {{"device", 's'}, {"model", 's'}, {"version", 's'}, {"offer", 's'}, {"transport", 's'}}},
    {"ota_refused", {{"peer", 's'}, {"reason", 's'}}},
    {"websocket_rejected",
     {{"peer", 's'}, {"path", 's'}, {"status", 'n'}, {"reason", 's'}, {"detail", 's'}}},
    {"websocket_connected", {{"peer", 's'}, {"device", 's'}, {"client", 's'}, {"protocol", 'n'}}},
    {"hello",
     {{"device", 's'}, {"session", 's'}, {"version", 'n'}, {"transport", 's'}, {"protocol", 'n'}}},
    {"reply",
     {{"device", 's'},
      {"session", 's'},
      {"packets", 'n'},
      {"duration_ms", 'n'},
      {"ended_by", 's'},
      {"stt", 's'}}},
    {"text_ignored", {{"device", 's'}, {"session", 's'}, {"reason", 's'}, {"detail", 's'}}},
    {"binary_dropped", {{"device", 's'}, {"session", 's'}, {"reason", 's'}, {"count", 'n'}}},
    {"session_closed",
     {{"device", 's'}, {"session", 's'}, {"reason", 's'}, {"code", 'n'}, {"error", 's'}}},
    {"session_ended",
     {{"device", 's'}, {"session", 's'}, {"peer", 's'}, {"frames_in", 'n'}, {"frames_out", 'n'}}},
    {"remote_refused", {{"kind", 's'}, {"reason", 's'}}},
    {"remote_applied", {{"revision", 'n'}, {"kind", 's'}, {"author", 's'}}},
    {"config_applied", {{"revision", 'n'}, {"websocket_url", 's'}}},
    {"reload", {}},
    {"reload_rejected", {{"reason", 's'}}},
    {"finding", {{"rule", 's'}, {"key", 's'}, {"origin", 's'}, {"finding", 's'}}},
    {"stopping", {{"signal", 'n'}, {"sessions", 'n'}}},
    {"release", {{"service", 's'}, {"address", 's'}, {"port", 'n'}}},
    {"stopped", {}},
};

bool has_type(const nlohmann::json& value, char type) {
    switch (type) {
        case 's':
            return value.is_string();
        case 'n':
            return value.is_number();
        case 'b':
            return value.is_boolean();
        default:
            return false;
    }
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

std::string man_page() {
    std::ifstream in(std::string(XIAOZHI_SOURCE_DIR) + "/man/xiaozhi-serve.1");
    return {std::istreambuf_iterator<char>(in), {}};
}

WsConnect device(const std::string& id, const std::string& bearer = "") {
    WsConnect options;
    options.headers = {{"Device-Id", id}, {"Client-Id", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}};
    if (!bearer.empty()) options.headers.emplace_back("Authorization", "Bearer " + bearer);
    return options;
}

// A session that says hello, then sends what the server ignores or drops.
void unruly_session(int port, const std::string& token) {
    WsConnect options = device("aa:bb:cc:00:00:07", token);
    options.headers.emplace_back("Protocol-Version", "3");
    WsClient ws;
    REQUIRE(ws.connect(port, options));
    REQUIRE(ws.send_text(R"({"type":"hello","version":1,"transport":"websocket"})"));
    REQUIRE(ws.read_text(10000));
    REQUIRE(ws.send_text(R"({"type":"no-such-type"})"));
    REQUIRE(ws.send_text("not json"));
    // A v3 header whose size says 65,535 bytes, one byte following.
    const std::vector<std::uint8_t> junk = {0x00, 0x00, 0xff, 0xff, 0x01};
    REQUIRE(ws.send_binary(junk));
}

}  // namespace

TEST_CASE("serve's JSON log: every line an event object with its fields as typed keys",
          "[serve][logs]") {
    ServeProcess::Options options;
    options.log_format = "json";
    options.config_toml = kConfig;
    ServeProcess serve(options);
    CanaryDevice canary(serve.websocket_port());
    canary.talk();

    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    const std::string device_token = protocol::make_token(
        kAuthKey, "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "aa:bb:cc:00:00:07", now);
    unruly_session(serve.websocket_port(), device_token);
    WsClient refused;
    CHECK_FALSE(refused.connect(serve.websocket_port(), device("aa:bb:cc:00:00:08", "forged")));

    HttpCall ota = ota_request("aa:bb:cc:00:00:09", "3f2504e0-4f89-11d3-9a0c-0305e82c3309", "1.6.0",
                               "bread-compact-wifi");
    CHECK(http_call(serve.http_port(), ota).status == 200);
    ota.body = "{";
    CHECK(http_call(serve.http_port(), ota).status == 400);

    CHECK(admin_call(serve.http_port(), kAdminToken, "PUT", "remote",
                     {{"Content-Type", "application/toml"}, {"If-Match", "*"}},
                     "[server]\nfirmware_dir = \"/etc\"\n")
              .status == 409);
    CHECK(admin_call(serve.http_port(), kAdminToken, "PUT", "remote",
                     {{"Content-Type", "application/toml"}, {"If-Match", "*"}},
                     "[server]\nadvertise_host = \"192.0.2.5\"\n")
              .status == 200);
    CHECK(serve.wait_for_log(R"("event":"config_applied")", 10000));

    serve.write("xiaozhi.toml", kConfig + "[server.port\n");
    serve.signal(SIGHUP);
    CHECK(serve.wait_for_log(R"("event":"reload_rejected")", 10000));
    canary.talk();
    CHECK(serve.stop() == 0);

    const std::string log = serve.log();
    std::set<std::string> seen;
    for (const std::string& line : lines_of(log)) {
        INFO(line);
        const nlohmann::json entry = parse_json(line);
        REQUIRE(entry.is_object());
        CHECK(entry.value("time", "").size() == 24);  // 2026-12-02T19:20:17.123Z
        CHECK(entry.value("level", "") != "");
        REQUIRE(entry.contains("event"));
        CHECK(entry.value("message", "") != "");
        const std::string event = entry.at("event");
        seen.insert(event);
        CHECK(man_page().find(".B " + event + "\n") != std::string::npos);
        const auto fields = kEventFields.find(event);
        if (fields == kEventFields.end()) continue;
        for (const auto& [key, type] : fields->second) {
            INFO("field " << key);
            REQUIRE(entry.contains(key));
            CHECK(has_type(entry.at(key), type));
        }
    }
    for (const char* event : {"open_files_limit",
                              "bind",
                              "serving",
                              "ota_answered",
                              "ota_refused",
                              "websocket_rejected",
                              "websocket_connected",
                              "hello",
                              "reply",
                              "text_ignored",
                              "binary_dropped",
                              "session_closed",
                              "session_ended",
                              "remote_refused",
                              "remote_applied",
                              "config_applied",
                              "reload",
                              "reload_rejected",
                              "stopping",
                              "release",
                              "stopped"}) {
        INFO(event);
        CHECK(seen.count(event) == 1);
    }
    // No secret is ever written: the admin token, the signing key, a device's token.
    CHECK_FALSE(contains(log, kAdminToken));
    CHECK_FALSE(contains(log, kAuthKey));
    CHECK_FALSE(contains(log, device_token));
}

TEST_CASE("under systemd each log line carries its syslog priority for journalctl -p",
          "[serve][logs]") {
    for (const std::string format : {"json", "text"}) {
        INFO(format);
        TempDir folder;
        const std::string log = folder.write("serve.log", "");
        struct stat status {};
        REQUIRE(::stat(log.c_str(), &status) == 0);
        ServeProcess::Options options;
        options.log_format = format;
        options.reuse_dir = folder.path();
        options.env = {"JOURNAL_STREAM=" + std::to_string(status.st_dev) + ":" +
                       std::to_string(status.st_ino)};
        ServeProcess serve(options);
        WsClient anonymous;  // no Device-Id: a warning
        CHECK(anonymous.connect(serve.websocket_port(), WsConnect{}));
        CHECK(serve.wait_for_log("websocket without device id", 10000));
        CHECK(serve.stop() == 0);
        std::set<std::string> priorities;
        for (const std::string& line : lines_of(serve.log())) {
            INFO(line);
            REQUIRE(line.size() > 3);
            REQUIRE(line[0] == '<');
            REQUIRE(line[2] == '>');
            if (format == "json") CHECK(parse_json(line.substr(3)).is_object());
            if (contains(line, "websocket without device id")) CHECK(line.substr(0, 3) == "<4>");
            if (contains(line, "serving")) CHECK(line.substr(0, 3) == "<6>");
            priorities.insert(line.substr(0, 3));
        }
        CHECK(priorities.count("<4>") == 1);
        CHECK(priorities.count("<6>") == 1);
    }
}

TEST_CASE("a JOURNAL_STREAM that is not standard error adds no priority prefix", "[serve][logs]") {
    ServeProcess::Options options;
    options.log_format = "json";
    options.env = {"JOURNAL_STREAM=1:1"};
    ServeProcess serve(options);
    CHECK(serve.stop() == 0);
    for (const std::string& line : lines_of(serve.log())) {
        INFO(line);
        CHECK(parse_json(line).is_object());
    }
}
