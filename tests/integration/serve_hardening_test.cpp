// The real `xiaozhi serve` under hostile input, a well-behaved device talking throughout.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>

#include "canary_device.hpp"
#include "cli_harness.hpp"
#include "http_client.hpp"
#include "protocol/binary_frame.hpp"
#include "protocol/device_token.hpp"
#include "serve_process.hpp"
#include "ws_client.hpp"

using namespace xiaozhi::testing;
namespace protocol = xiaozhi::protocol;
namespace fs = std::filesystem;

namespace {

constexpr const char* kToken = "hardening-admin-token";
const std::string kConfig = std::string("[server]\nadmin_token = \"") + kToken + "\"\n";

WsConnect device_headers(const std::string& device = "aa:bb:cc:00:00:01") {
    WsConnect options;
    options.headers = {{"Device-Id", device},
                       {"Client-Id", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}};
    return options;
}

std::string hello_with(const std::string& audio_params) {
    return R"({"type":"hello","version":1,"transport":"websocket","audio_params":)" + audio_params +
           "}";
}

// ASan's quarantine would keep every freed buffer resident: the serve started next
// holds little of it, so its resident memory says what it really keeps.
void small_sanitizer_quarantine() {
    const char* current = std::getenv("ASAN_OPTIONS");
    const std::string options = std::string(current ? current : "") +
                                ":quarantine_size_mb=4:thread_local_quarantine_size_kb=64";
    ::setenv("ASAN_OPTIONS", options.c_str(), 1);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// The files under `dir`, at any depth, and their bytes: what a request wrote to disk.
std::pair<std::size_t, std::uintmax_t> files_under(const std::string& dir) {
    std::error_code error;
    std::pair<std::size_t, std::uintmax_t> total{0, 0};
    if (!fs::is_directory(dir, error)) return total;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        ++total.first;
        total.second += entry.file_size();
    }
    return total;
}

// The TOML line `a.a.a ... .a = 1` with `levels` keys.
std::string deep_toml(int levels) {
    std::string line = "a";
    for (int i = 1; i < levels; ++i) line += ".a";
    return line + " = 1\n";
}

}  // namespace

TEST_CASE("one device sending a huge turn of 2.5 ms packets is held to the byte budget",
          "[serve][hardening]") {
    small_sanitizer_quarantine();
    ServeProcess serve(kConfig);
    CanaryDevice canary(serve.websocket_port());
    canary.talk();

    WsClient attacker;
    REQUIRE(attacker.connect(serve.websocket_port(), device_headers()));
    REQUIRE(attacker.send_text(
        hello_with(R"({"format":"opus","sample_rate":16000,"channels":1,"frame_duration":60})")));
    REQUIRE(attacker.read_text(10000));
    // 64,000-byte packets whose TOC byte says 2.5 ms of CELT audio: 60 s of "audio" would
    // take 24,000 of them (1.5 GB).
    std::vector<std::uint8_t> packet(64000, 0x5A);
    packet[0] = 16 << 3;
    std::vector<std::uint8_t> frame;
    REQUIRE(protocol::encode_frame(protocol::BinaryProtocol::v1, protocol::PayloadType::opus, 0,
                                   packet, frame));
    const long before_kib = resident_kib(serve.pid());
    long peak_kib = before_kib;
    REQUIRE(attacker.send_text(R"({"type":"listen","state":"start","mode":"manual"})"));
    constexpr int kFrames = 1500;  // 96 MB
    for (int i = 0; i < kFrames; ++i) {
        INFO("frame " << i << ": " << attacker.error());
        REQUIRE(attacker.send_binary(frame, 10000));
        if (i % 100 == 0) peak_kib = std::max(peak_kib, resident_kib(serve.pid()));
    }
    REQUIRE(attacker.send_text(R"({"type":"listen","state":"stop"})"));
    peak_kib = std::max(peak_kib, resident_kib(serve.pid()));
    INFO("resident before " << before_kib << " KiB, peak " << peak_kib << " KiB");
    // 96 MB sent; the turn keeps 384 KiB, the reply holds it once more.
    CHECK(peak_kib - before_kib < 48 * 1024);

    // The turn ended at the budget: its reply echoes the few packets that fit.
    std::string stt;
    std::size_t echoed = 0;
    for (bool stopped = false; !stopped;) {
        const auto message = attacker.read(15000);
        INFO(attacker.error());
        REQUIRE(message);
        if (!message->text) {
            ++echoed;
            continue;
        }
        const auto json = parse_json(message->data);
        if (json.at("type") == "stt") stt = json.at("text");
        stopped = json.at("type") == "tts" && json.at("state") == "stop";
    }
    INFO(stt);
    CHECK(echoed >= 1);
    CHECK(echoed * packet.size() <= 384 * 1024);
    CHECK(serve.wait_for_log("ended_by=max_turn_bytes", 5000));
    canary.talk();
}

TEST_CASE("a hello with audio_params Opus cannot carry is closed with 1003 and the reason",
          "[serve][hardening]") {
    ServeProcess serve(kConfig);
    CanaryDevice canary(serve.websocket_port());
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"format":"opus","sample_rate":16000,"channels":1,"frame_duration":0})",
         "audio_params: frame_duration 0 is not one of 2.5, 5, 10, 20, 40, 60, 80, 100, 120"},
        {R"({"format":"opus","sample_rate":16000,"channels":1,"frame_duration":-60})",
         "audio_params: frame_duration -60 is not one of"},
        {R"({"format":"opus","sample_rate":44100,"channels":1,"frame_duration":60})",
         "audio_params: sample_rate 44100 is not one of"},
        {R"({"format":"opus","sample_rate":16000,"channels":3,"frame_duration":60})",
         "audio_params: channels 3 is not 1 or 2"},
    };
    for (const auto& [params, reason] : cases) {
        INFO(params);
        WsClient device;
        REQUIRE(device.connect(serve.websocket_port(), device_headers()));
        REQUIRE(device.send_text(hello_with(params)));
        CHECK_FALSE(device.read(10000));
        CHECK(device.closed());
        CHECK(device.close_code() == 1003);
        CHECK(device.close_reason().rfind(reason, 0) == 0);
    }
    WsClient fine;
    REQUIRE(fine.connect(serve.websocket_port(), device_headers()));
    REQUIRE(fine.send_text(
        hello_with(R"({"format":"opus","sample_rate":16000,"channels":1,"frame_duration":2.5})")));
    const auto answer = fine.read_text(10000);
    REQUIRE(answer);
    CHECK(parse_json(*answer).at("type") == "hello");
    canary.talk();
}

TEST_CASE("the admin API refuses local-only keys with 409 and writes nothing",
          "[serve][hardening]") {
    ServeProcess serve(kConfig);
    CanaryDevice canary(serve.websocket_port());
    const std::string state = serve.dir() + "/data/state";
    const auto files_before = files_under(state);
    const std::vector<std::pair<std::string, std::string>> pushes = {
        {"[server]\nfirmware_dir = \"/etc\"\n", "server.firmware_dir"},
        {"[server]\nstate_dir = \"/tmp\"\n", "server.state_dir"},
        {"[server]\nadmin_token = \"mine\"\n", "server.admin_token"},
        {"[server]\nadmin_allow = [\"0.0.0.0/0\"]\n", "server.admin_allow"},
        {"[log]\nlog_dir = \"/etc\"\n", "log.log_dir"},
    };
    for (const auto& [body, key] : pushes) {
        INFO(body);
        const HttpReply reply =
            admin_call(serve.http_port(), kToken, "PUT", "remote",
                       {{"Content-Type", "application/toml"}, {"If-Match", "*"}}, body);
        CHECK(reply.status == 409);
        CHECK(reply.body.find(key + " is local to each machine") != std::string::npos);
    }
    CHECK(files_under(state) == files_before);
    CHECK(http_get(serve.http_port(), "/xiaozhi/ota/download/passwd").status == 404);
    CHECK(admin_call(serve.http_port(), kToken, "GET", "remote").status == 200);
    canary.talk();
}

TEST_CASE("a symbolic link in the firmware folder is neither offered nor served",
          "[serve][hardening]") {
    ServeProcess serve(kConfig);
    CanaryDevice canary(serve.websocket_port());
    const std::string bin = serve.dir() + "/data/bin";
    fs::create_directories(bin);
    std::string image(4096, 'x');
    image[0] = static_cast<char>(0xE9);
    serve.write("data/bin/bread_1.0.1.bin", image);
    fs::create_symlink("/etc/passwd", bin + "/bread_9.9.9.bin");
    fs::create_directories(bin + "/bread_8.0.0.bin");

    HttpCall ota;
    ota.method = "POST";
    ota.target = "/xiaozhi/ota/";
    ota.headers = {{"Device-Id", "aa:bb:cc:00:00:02"},
                   {"Client-Id", "3f2504e0-4f89-11d3-9a0c-0305e82c3302"},
                   {"Content-Type", "application/json"}};
    ota.body = R"({"application":{"version":"1.0.0"},"board":{"type":"bread"}})";
    const HttpReply answer = http_call(serve.http_port(), ota);
    REQUIRE(answer.status == 200);
    const auto firmware = parse_json(answer.body).at("firmware");
    CHECK(firmware.at("version") == "1.0.1");
    CHECK(http_get(serve.http_port(), "/xiaozhi/ota/download/bread_9.9.9.bin").status == 404);
    CHECK(http_get(serve.http_port(), "/xiaozhi/ota/download/bread_8.0.0.bin").status == 404);
    const HttpReply download = http_get(serve.http_port(), "/xiaozhi/ota/download/bread_1.0.1.bin");
    CHECK(download.status == 200);
    CHECK(download.body == image);
    canary.talk();
}

TEST_CASE("SIGHUP with an empty configuration file keeps the running configuration",
          "[serve][hardening]") {
    ServeProcess serve(kConfig);
    CanaryDevice canary(serve.websocket_port());
    const std::string path = serve.dir() + "/xiaozhi.toml";
    for (const std::string& content : {std::string(), std::string(" \n\t\n")}) {
        INFO("content of " << content.size() << " bytes");
        serve.write("xiaozhi.toml", content);
        serve.signal(SIGHUP);
        CHECK(serve.wait_for_log(path + ":1:1: the configuration file is empty", 10000));
        CHECK(serve.running());
        // Still the admin API and the ports of the file that was there.
        CHECK(admin_call(serve.http_port(), kToken, "GET", "remote").status == 200);
        canary.talk();
        serve.write("xiaozhi.toml", kConfig);
    }
}

TEST_CASE("serve refuses to start on an empty configuration file", "[serve][hardening]") {
    TempDir dir;
    const std::string path = dir.path() + "/xiaozhi.toml";
    std::ofstream(path).close();
    const Result result = run_xiaozhi({"serve", path});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(path + ":1:1: the configuration file is empty") != std::string::npos);
}

TEST_CASE("the leftover of a crashed upload is removed at start, a live one is kept",
          "[serve][hardening]") {
    TempDir dir;
    fs::create_directories(dir.path() + "/data/bin");
    // pid_max is at most 4194304: this pid cannot be alive.
    const std::string dead = ".upload-4194305-0.part";
    const std::string live = ".upload-" + std::to_string(::getpid()) + "-0.part";
    std::ofstream(dir.path() + "/data/bin/" + dead) << "partial";
    std::ofstream(dir.path() + "/data/bin/" + live) << "partial";
    ServeProcess::Options options;
    options.config_toml = kConfig;
    options.reuse_dir = dir.path();
    ServeProcess serve(options);
    CHECK(serve.wait_for_log("removed an interrupted upload file=" + dead, 5000));
    CHECK_FALSE(fs::exists(dir.path() + "/data/bin/" + dead));
    CHECK(fs::exists(dir.path() + "/data/bin/" + live));
}

TEST_CASE("a device token dated in the future is refused", "[serve][hardening]") {
    const std::string key = "hardening-auth-key";
    ServeProcess serve(kConfig + "auth_key = \"" + key +
                       "\"\n[server.auth]\nenabled = true\n"
                       "allowed_devices = [\"ca:ca:ca:ca:ca:01\"]\n");
    CanaryDevice canary(serve.websocket_port());  // allowed without a token
    const std::string device = "aa:bb:cc:00:00:03";
    const std::string client = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    for (const auto& [ts, accepted] :
         std::vector<std::pair<std::int64_t, bool>>{{now + 3600, false},
                                                    {now + 365LL * 24 * 3600, false},
                                                    {now + 60, true},
                                                    {now, true}}) {
        INFO("timestamp now + " << ts - now);
        WsConnect options = device_headers(device);
        options.headers.emplace_back("Authorization",
                                     "Bearer " + protocol::make_token(key, client, device, ts));
        WsClient ws;
        CHECK(ws.connect(serve.websocket_port(), options) == accepted);
        if (!accepted) CHECK(ws.refusal_status() == 401);
    }
    canary.talk();
}

TEST_CASE("a 10,000-level TOML key is refused by the admin API and on SIGHUP, before disk",
          "[serve][hardening]") {
    ServeProcess serve(kConfig);
    CanaryDevice canary(serve.websocket_port());
    const std::string state = serve.dir() + "/data/state";
    const auto files_before = files_under(state);
    const long before_kib = resident_kib(serve.pid());
    // 10,000 levels crashed the stack; 500 to 5,000 were written to disk, 50 MB of JSON.
    for (const int levels : {10000, 5000, 65}) {
        INFO(levels << " levels");
        const HttpReply reply = admin_call(
            serve.http_port(), kToken, "PUT", "remote",
            {{"Content-Type", "application/toml"}, {"If-Match", "*"}}, deep_toml(levels));
        CHECK(reply.status == 400);
        CHECK(reply.body.find("deeper than 64") != std::string::npos);
        CHECK(files_under(state) == files_before);
        canary.talk();
    }
    const HttpReply fits =
        admin_call(serve.http_port(), kToken, "PUT", "remote",
                   {{"Content-Type", "application/toml"}, {"If-Match", "*"}}, deep_toml(63));
    CHECK(fits.status == 200);
    const long after_kib = resident_kib(serve.pid());
    INFO("resident before " << before_kib << " KiB, after " << after_kib << " KiB");
    CHECK(after_kib - before_kib < 16 * 1024);

    serve.write("xiaozhi.toml", kConfig + deep_toml(10000));
    serve.signal(SIGHUP);
    CHECK(serve.wait_for_log("reload rejected", 10000));
    CHECK(serve.running());
    canary.talk();
    CHECK(read_file(serve.dir() + "/xiaozhi.toml").size() > 20000);
}
