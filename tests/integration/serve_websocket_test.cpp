// The device WebSocket of the real `xiaozhi serve`: hello, echo turns, auth, limits and bad input.
#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <ctime>
#include <thread>

#include "audio/opus_frame_decoder.hpp"
#include "audio/opus_frame_encoder.hpp"
#include "audio/speech_signal.hpp"
#include "cli_harness.hpp"
#include "http_client.hpp"
#include "protocol/binary_frame.hpp"
#include "protocol/device_token.hpp"
#include "serve_process.hpp"
#include "ws_client.hpp"

using namespace xiaozhi::testing;
using xiaozhi::protocol::BinaryProtocol;
namespace audio = xiaozhi::audio;
namespace protocol = xiaozhi::protocol;

namespace {

constexpr const char* kDevice = "aa:bb:cc:dd:ee:ff";
constexpr const char* kClient = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
constexpr const char* kKey = "test-auth-key";
// The reference algorithm's token for kKey, kClient, kDevice at 1700000000 (device_token_test).
constexpr const char* kReferenceToken = "XVAXw3tXv6_5Pxj3YGD6aAz-wX0YhIWKywYs4Sk8Jkw.1700000000";

constexpr const char* kFirmwareHello =
    R"({"type":"hello","version":1,"features":{"mcp":true,"aec":true},"transport":"websocket",)"
    R"("audio_params":{"format":"opus","sample_rate":16000,"channels":1,"frame_duration":60}})";

using Packets = std::vector<std::vector<std::uint8_t>>;

WsConnect device(const std::string& version = "",
                 std::vector<std::pair<std::string, std::string>> extra = {}) {
    WsConnect options;
    options.headers = {{"Device-Id", kDevice}, {"Client-Id", kClient}};
    if (!version.empty()) options.headers.emplace_back("Protocol-Version", version);
    options.headers.insert(options.headers.end(), extra.begin(), extra.end());
    return options;
}

nlohmann::json read_json(WsClient& client, int timeout_ms = 5000) {
    const auto text = client.read_text(timeout_ms);
    INFO("error: " << client.error());
    REQUIRE(text);
    return parse_json(*text);
}

// Sends the firmware's hello and returns the server's answer.
nlohmann::json hello(WsClient& client, const std::string& text = kFirmwareHello) {
    REQUIRE(client.send_text(text));
    nlohmann::json answer = read_json(client);
    REQUIRE(answer.at("type") == "hello");
    return answer;
}

// Connects as the device with headers and says hello; REQUIREs both to work.
void connect_and_hello(WsClient& client, int port, const std::string& version = "") {
    REQUIRE(client.connect(port, device(version)));
    hello(client);
}

// `ms` of speech at 16 kHz in 60 ms Opus packets, as the firmware sends them.
Packets speech_packets(int speech_ms, int silence_ms = 0) {
    auto pcm = audio::make_speech_signal(16000, speech_ms, 11);
    const auto silence = audio::make_silence(16000, silence_ms);
    pcm.insert(pcm.end(), silence.begin(), silence.end());
    audio::OpusFrameEncoder encoder(16000, 1, 60);
    const std::size_t frame = static_cast<std::size_t>(encoder.frame_samples());
    Packets packets;
    for (std::size_t at = 0; at + frame <= pcm.size(); at += frame) {
        packets.emplace_back();
        encoder.encode(std::span(pcm).subspan(at, frame), packets.back());
    }
    return packets;
}

std::vector<std::uint8_t> framed(BinaryProtocol version, std::span<const std::uint8_t> payload,
                                 std::uint32_t timestamp = 0) {
    std::vector<std::uint8_t> frame;
    REQUIRE(
        protocol::encode_frame(version, protocol::PayloadType::opus, timestamp, payload, frame));
    return frame;
}

void send_packets(WsClient& client, BinaryProtocol version, const Packets& packets) {
    std::uint32_t timestamp = 0;
    for (const auto& packet : packets) {
        REQUIRE(client.send_binary(framed(version, packet, timestamp)));
        timestamp += 60;
    }
}

std::string listen(const std::string& state, const std::string& mode = "manual") {
    return R"({"session_id":"","type":"listen","state":")" + state + R"(","mode":")" + mode +
           R"("})";
}

struct HeardReply {
    std::string stt;
    std::vector<std::string> tts_states;
    std::string sentence;
    std::vector<std::vector<std::uint8_t>> payloads;  // Opus packets, unframed
    std::vector<std::uint32_t> timestamps;            // v2 only
    std::chrono::milliseconds audio_span{0};          // first to last binary frame
};

// Reads one reply: stt, tts start, sentence_start, binary frames, tts stop.
HeardReply read_reply(WsClient& client, BinaryProtocol version, int timeout_ms = 15000) {
    HeardReply heard;
    std::chrono::steady_clock::time_point first{};
    while (heard.tts_states.empty() || heard.tts_states.back() != "stop") {
        const auto message = client.read(timeout_ms);
        INFO("error: " << client.error());
        REQUIRE(message);
        if (!message->text) {
            const auto now = std::chrono::steady_clock::now();
            if (heard.payloads.empty()) first = now;
            heard.audio_span = std::chrono::duration_cast<std::chrono::milliseconds>(now - first);
            const auto decoded = protocol::decode_frame(version, message->bytes());
            REQUIRE(decoded.ok());
            heard.payloads.emplace_back(decoded.frame.payload.begin(), decoded.frame.payload.end());
            heard.timestamps.push_back(decoded.frame.timestamp_ms);
            continue;
        }
        const nlohmann::json json = parse_json(message->data);
        if (json.at("type") == "stt") heard.stt = json.at("text");
        if (json.at("type") == "tts") {
            heard.tts_states.push_back(json.at("state"));
            if (json.at("state") == "sentence_start") heard.sentence = json.at("text");
        }
    }
    return heard;
}

// Samples per channel the packets decode to at 24 kHz; every packet must decode.
std::size_t decoded_samples(const std::vector<std::vector<std::uint8_t>>& packets) {
    audio::OpusFrameDecoder decoder(24000, 1);
    std::vector<std::int16_t> pcm;
    std::size_t samples = 0;
    for (const auto& packet : packets) {
        const int count = decoder.decode(packet, pcm);
        REQUIRE(count > 0);
        samples += static_cast<std::size_t>(count);
    }
    return samples;
}

// The value of one Prometheus sample line ("name{label=\"x\"}"), 0 when absent.
long long metric(const ServeProcess& serve, const std::string& sample) {
    const HttpReply reply = http_get(serve.http_port(), "/metrics");
    REQUIRE(reply.status == 200);
    const std::size_t at = reply.body.find("\n" + sample + " ");
    if (at == std::string::npos) return 0;
    return std::stoll(reply.body.substr(at + sample.size() + 2));
}

// Whether the sample reaches `value` within `timeout_ms` (sessions end asynchronously).
bool wait_metric(const ServeProcess& serve, const std::string& sample, long long value,
                 int timeout_ms = 5000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (metric(serve, sample) != value) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
}

BinaryProtocol version_of(const std::string& text) {
    return static_cast<BinaryProtocol>(std::stoi(text));
}

}  // namespace

TEST_CASE("hello over v1, v2 and v3 gets a fresh session id and the downlink audio_params",
          "[serve][websocket]") {
    ServeProcess serve;
    std::vector<std::string> ids;
    for (const std::string version : {"1", "2", "3"}) {
        INFO("Protocol-Version " << version);
        WsClient client;
        REQUIRE(client.connect(serve.websocket_port(), device(version)));
        const nlohmann::json answer = hello(client);
        CHECK(answer.at("transport") == "websocket");
        CHECK(answer.at("session_id").get<std::string>().size() == 36);
        CHECK(answer.at("audio_params").at("sample_rate") == 24000);
        CHECK(answer.at("audio_params").at("frame_duration") == 60);
        CHECK(answer.at("audio_params").at("format") == "opus");
        ids.push_back(answer.at("session_id"));
        client.close();
    }
    CHECK(ids[0] != ids[1]);
    CHECK(ids[1] != ids[2]);

    // A browser test client: ids in the query, a hello with only type and features.
    WsClient browser;
    WsConnect options;
    options.target = "/xiaozhi/v1/?device-id=aa%3Abb%3Acc%3Add%3Aee%3Aff&client-id=web";
    REQUIRE(browser.connect(serve.websocket_port(), options));
    const nlohmann::json answer = hello(browser, R"({"type":"hello","features":{"mcp":true}})");
    CHECK(answer.at("audio_params").at("sample_rate") == 24000);
    CHECK(serve.stop() == 0);
}

TEST_CASE("an echo turn comes back as stt, tts and paced Opus of the heard length",
          "[serve][websocket]") {
    ServeProcess serve;
    const Packets packets = speech_packets(1200);  // 20 packets
    for (const std::string version : {"1", "2", "3"}) {
        INFO("Protocol-Version " << version);
        const BinaryProtocol framing = version_of(version);
        WsClient client;
        connect_and_hello(client, serve.websocket_port(), version);
        REQUIRE(client.send_text(listen("start")));
        send_packets(client, framing, packets);
        REQUIRE(client.send_text(listen("stop")));
        const HeardReply reply = read_reply(client, framing);
        CHECK(reply.stt == "heard 1.2 s of audio in 20 frames");
        CHECK(reply.tts_states == std::vector<std::string>{"start", "sentence_start", "stop"});
        CHECK_FALSE(reply.sentence.empty());
        REQUIRE(reply.payloads.size() == packets.size());
        CHECK(reply.payloads == packets);
        CHECK(decoded_samples(reply.payloads) == 24000 * 1200 / 1000);
        // Paced in real time: 19 intervals of 60 ms, not sent in one burst.
        CHECK(reply.audio_span.count() >= 19 * 60 - 100);
        CHECK(reply.audio_span.count() <= 19 * 60 + 1500);
        if (framing == BinaryProtocol::v2) {
            CHECK(reply.timestamps[1] == 60);
            CHECK(reply.timestamps.back() == 19 * 60);
        }
        client.close();
    }
    CHECK(metric(serve, "xiaozhi_frames_sent_total") == 60);
    CHECK(metric(serve, "xiaozhi_frames_received_total") == 60);
    CHECK(serve.stop() == 0);
}

TEST_CASE("the sessions gauge follows handshake, idle, listening and speaking",
          "[serve][websocket]") {
    ServeProcess serve;
    const std::string gauge = "xiaozhi_sessions{state=\"";
    WsClient client;
    REQUIRE(client.connect(serve.websocket_port(), device()));
    CHECK(wait_metric(serve, gauge + "handshake\"}", 1));
    hello(client);
    CHECK(metric(serve, gauge + "handshake\"}") == 0);
    CHECK(metric(serve, gauge + "idle\"}") == 1);
    REQUIRE(client.send_text(listen("start")));
    CHECK(wait_metric(serve, gauge + "listening\"}", 1));
    send_packets(client, BinaryProtocol::v1, speech_packets(3000));
    REQUIRE(client.send_text(listen("stop")));
    while (true) {
        const auto message = client.read(5000);
        REQUIRE(message);
        if (!message->text) break;
    }
    CHECK(metric(serve, gauge + "speaking\"}") == 1);
    CHECK(metric(serve, gauge + "listening\"}") == 0);
    read_reply(client, BinaryProtocol::v1);
    CHECK(wait_metric(serve, gauge + "idle\"}", 1));
    CHECK(metric(serve, gauge + "speaking\"}") == 0);
    client.close();
    CHECK(wait_metric(serve, gauge + "idle\"}", 0));
    CHECK(metric(serve, "xiaozhi_session_closes_total{reason=\"client\"}") == 1);
    CHECK(serve.stop() == 0);
}

TEST_CASE("a zero-length frame ends the utterance, in auto mode silence does",
          "[serve][websocket]") {
    ServeProcess serve;
    SECTION("zero-length frame, v3 header announcing 0 bytes") {
        WsClient client;
        connect_and_hello(client, serve.websocket_port(), "3");
        REQUIRE(client.send_text(listen("start")));
        send_packets(client, BinaryProtocol::v3, speech_packets(600));
        REQUIRE(client.send_binary(framed(BinaryProtocol::v3, {})));
        const HeardReply reply = read_reply(client, BinaryProtocol::v3);
        CHECK(reply.payloads.size() == 10);
    }
    SECTION("auto mode: the silent tail ends it without listen stop") {
        WsClient client;
        connect_and_hello(client, serve.websocket_port());
        REQUIRE(client.send_text(listen("start", "auto")));
        const Packets packets = speech_packets(1500, 1500);
        send_packets(client, BinaryProtocol::v1, packets);
        const HeardReply reply = read_reply(client, BinaryProtocol::v1);
        CHECK(reply.payloads.size() < packets.size());
        CHECK(reply.payloads.size() * 60 >= 1500 - 500 + 700);
    }
    SECTION("manual mode: silence alone ends nothing") {
        WsClient client;
        connect_and_hello(client, serve.websocket_port());
        REQUIRE(client.send_text(listen("start", "manual")));
        send_packets(client, BinaryProtocol::v1, speech_packets(600, 1500));
        CHECK_FALSE(client.read(1500));
        CHECK(client.timed_out());
    }
    CHECK(serve.stop() == 0);
}

TEST_CASE("echo.transcode re-encodes the reply at the downlink parameters", "[serve][websocket]") {
    ServeProcess serve("[echo]\ntranscode = true\n[xiaozhi.audio_params]\nframe_duration = 20\n");
    WsClient client;
    REQUIRE(client.connect(serve.websocket_port(), device()));
    CHECK(hello(client).at("audio_params").at("frame_duration") == 20);
    const Packets packets = speech_packets(1200);
    REQUIRE(client.send_text(listen("start")));
    send_packets(client, BinaryProtocol::v1, packets);
    REQUIRE(client.send_text(listen("stop")));
    const HeardReply reply = read_reply(client, BinaryProtocol::v1);
    CHECK(reply.payloads.size() == 60);
    CHECK(decoded_samples(reply.payloads) == 24000 * 1200 / 1000);
    CHECK(serve.stop() == 0);
}

TEST_CASE("abort stops the playback at once with tts stop", "[serve][websocket]") {
    ServeProcess serve;
    WsClient client;
    connect_and_hello(client, serve.websocket_port());
    const Packets packets = speech_packets(3000);  // 50 packets, 3 s of playback
    REQUIRE(client.send_text(listen("start")));
    send_packets(client, BinaryProtocol::v1, packets);
    REQUIRE(client.send_text(listen("stop")));
    std::size_t binary = 0;
    while (binary < 3) {
        const auto message = client.read(5000);
        REQUIRE(message);
        if (!message->text) ++binary;
    }
    REQUIRE(client.send_text(R"({"session_id":"","type":"abort","reason":"wake_word_detected"})"));
    const auto started = std::chrono::steady_clock::now();
    while (true) {
        const auto message = client.read(5000);
        REQUIRE(message);
        if (!message->text) {
            ++binary;
            continue;
        }
        const nlohmann::json json = parse_json(message->data);
        if (json.at("type") == "tts" && json.at("state") == "stop") break;
    }
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(2000));
    CHECK(binary < 20);
    // Nothing more comes.
    CHECK_FALSE(client.read(500));
    CHECK(client.timed_out());
    CHECK(serve.stop() == 0);
}

TEST_CASE("auth: reference tokens pass, others get 401 on the upgrade", "[serve][websocket]") {
    ServeProcess serve(std::string("[server]\nauth_key = \"") + kKey +
                       "\"\n[server.auth]\nenabled = true\nexpire_seconds = 315360000\n"
                       "allowed_devices = [\"11:22:33:44:55:66\"]\n");
    const int port = serve.websocket_port();
    SECTION("the reference's token for a fixed key and timestamp") {
        WsClient client;
        REQUIRE(client.connect(
            port, device("", {{"Authorization", std::string("Bearer ") + kReferenceToken}})));
        hello(client);
    }
    SECTION("a token made here, in the browser's query parameter") {
        const std::string token = protocol::make_token(kKey, "web", kDevice, std::time(nullptr));
        WsClient client;
        WsConnect options;
        options.target =
            "/xiaozhi/v1/?device-id=aa%3Abb%3Acc%3Add%3Aee%3Aff&client-id=web"
            "&authorization=Bearer%20" +
            token;
        REQUIRE(client.connect(port, options));
        hello(client);
    }
    SECTION("an allowed device needs no token") {
        WsClient client;
        WsConnect options;
        options.headers = {{"Device-Id", "11:22:33:44:55:66"}};
        REQUIRE(client.connect(port, options));
        hello(client);
    }
    SECTION("a token signed with another key") {
        const std::string token = protocol::make_token("other", kClient, kDevice, 1700000000);
        WsClient client;
        CHECK_FALSE(client.connect(port, device("", {{"Authorization", "Bearer " + token}})));
        CHECK(client.refusal_status() == 401);
        CHECK(parse_json(client.refusal_body()).at("error") == "token bad_signature");
    }
    SECTION("an expired token") {
        const std::int64_t old = std::time(nullptr) - 315360000 - 100;
        const std::string token = protocol::make_token(kKey, kClient, kDevice, old);
        WsClient client;
        CHECK_FALSE(client.connect(port, device("", {{"Authorization", "Bearer " + token}})));
        CHECK(client.refusal_status() == 401);
        CHECK(parse_json(client.refusal_body()).at("error") == "token expired");
    }
    SECTION("no token") {
        WsClient client;
        CHECK_FALSE(client.connect(port, device()));
        CHECK(client.refusal_status() == 401);
        CHECK(metric(serve, "xiaozhi_handshake_failures_total{reason=\"unauthorized\"}") == 1);
    }
    CHECK(serve.stop() == 0);
}

TEST_CASE("no device id: a text telling how to connect, then a normal close",
          "[serve][websocket]") {
    ServeProcess serve;
    WsClient client;
    WsConnect options;
    options.target = "/xiaozhi/v1";
    REQUIRE(client.connect(serve.websocket_port(), options));
    const auto notice = client.read(5000);
    REQUIRE(notice);
    CHECK(notice->text);
    CHECK(contains(notice->data, "device-id"));
    CHECK(contains(notice->data, "端口正常"));
    CHECK_FALSE(client.read(5000));
    CHECK(client.closed());
    CHECK(client.close_code() == 1000);
    CHECK(metric(serve, "xiaozhi_handshake_failures_total{reason=\"no_device_id\"}") == 1);
    CHECK(serve.stop() == 0);
}

namespace {

// One client-to-server text frame, masked as a client must (RFC 6455 §5.3), payload < 64 KiB.
std::string masked_text_frame(const std::string& payload) {
    const std::array<char, 4> mask{'\x12', '\x34', '\x56', '\x78'};
    std::string frame{'\x81'};
    if (payload.size() < 126) {
        frame.push_back(static_cast<char>(0x80 | payload.size()));
    } else {
        frame.push_back(static_cast<char>(0x80 | 126));
        frame.push_back(static_cast<char>(payload.size() >> 8));
        frame.push_back(static_cast<char>(payload.size() & 0xFF));
    }
    frame.append(mask.data(), mask.size());
    for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(payload[i] ^ mask[i % 4]);
    return frame;
}

}  // namespace

TEST_CASE("a hello sent with the upgrade request, before the 101, is answered",
          "[serve][websocket]") {
    ServeProcess serve;
    const std::string upgrade = std::string("GET /xiaozhi/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n") +
                                "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                                "Sec-WebSocket-Version: 13\r\nDevice-Id: " + kDevice +
                                "\r\nClient-Id: " + kClient + "\r\n\r\n";
    const std::string answer =
        raw_exchange(serve.websocket_port(), upgrade + masked_text_frame(kFirmwareHello), 2000);
    INFO(answer);
    REQUIRE(answer.starts_with("HTTP/1.1 101"));
    // A server's frames are not masked: its hello's JSON is in the bytes as it is.
    const std::size_t frames = answer.find("\r\n\r\n");
    REQUIRE(frames != std::string::npos);
    CHECK(answer.find(R"("type":"hello")", frames) != std::string::npos);
    CHECK(answer.find(R"("session_id")", frames) != std::string::npos);
    CHECK(serve.stop() == 0);
}

TEST_CASE("another path is a 404, beyond max_connections a 503", "[serve][websocket]") {
    ServeProcess serve("[server]\nmax_connections = 1\n");
    WsClient elsewhere;
    WsConnect options = device();
    options.target = "/xiaozhi/v2/";
    CHECK_FALSE(elsewhere.connect(serve.websocket_port(), options));
    CHECK(elsewhere.refusal_status() == 404);

    WsClient first;
    connect_and_hello(first, serve.websocket_port());
    WsClient second;
    CHECK_FALSE(second.connect(serve.websocket_port(), device()));
    CHECK(second.refusal_status() == 503);
    first.close();
    // The slot is free again once the first session ended.
    bool connected = false;
    for (int attempt = 0; attempt < 20 && !connected; ++attempt) {
        WsClient third;
        connected = third.connect(serve.websocket_port(), device());
        if (!connected) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(connected);
    CHECK(serve.stop() == 0);
}

TEST_CASE("bad input is dropped and counted, the session goes on", "[serve][websocket]") {
    ServeProcess serve;
    WsClient client;
    REQUIRE(client.connect(serve.websocket_port(), device("3")));
    SECTION("binary before hello") {
        const Packets packets = speech_packets(120);
        REQUIRE(client.send_binary(framed(BinaryProtocol::v3, packets[0])));
        hello(client);
        CHECK(metric(serve, "xiaozhi_bad_frames_total{reason=\"before_hello\"}") == 1);
    }
    SECTION("malformed JSON, unknown types, mcp and iot") {
        const std::string session = hello(client).at("session_id");
        for (const std::string text :
             {"{not json", "[1,2]", R"({"no":"type"})", R"({"type":"bogus"})",
              R"({"type":"listen","state":"sideways"})",
              R"({"type":"mcp","payload":{"jsonrpc":"2.0","id":1,"result":{}}})",
              R"({"type":"iot","descriptors":[]})"}) {
            REQUIRE(client.send_text(text));
        }
        const nlohmann::json again = hello(client);
        CHECK(again.at("session_id") == session);
        CHECK(metric(serve, "xiaozhi_text_ignored_total{reason=\"malformed\"}") == 4);
        CHECK(metric(serve, "xiaozhi_text_ignored_total{reason=\"unknown_type\"}") == 1);
    }
    SECTION("empty messages between turns") {
        // Read while idle: the session waits for a message's first byte with no buffer.
        const std::string session = hello(client).at("session_id");
        REQUIRE(client.send_text(""));
        REQUIRE(client.send_binary(std::vector<std::uint8_t>{}));
        REQUIRE(client.send_text(std::string(3000, ' ')));
        const nlohmann::json again = hello(client);
        CHECK(again.at("session_id") == session);
        CHECK(metric(serve, "xiaozhi_text_ignored_total{reason=\"malformed\"}") == 2);
    }
    SECTION("wrong framing header sizes") {
        hello(client);
        REQUIRE(client.send_text(listen("start")));
        const Packets packets = speech_packets(600);
        // A v3 header announcing more bytes than follow, fewer, and a frame shorter than a header.
        std::vector<std::uint8_t> longer = framed(BinaryProtocol::v3, packets[0]);
        longer[3] = static_cast<std::uint8_t>(longer[3] + 5);
        std::vector<std::uint8_t> shorter = framed(BinaryProtocol::v3, packets[0]);
        shorter.push_back(0);
        REQUIRE(client.send_binary(longer));
        REQUIRE(client.send_binary(shorter));
        REQUIRE(client.send_binary(std::vector<std::uint8_t>{0, 0, 1}));
        send_packets(client, BinaryProtocol::v3, packets);
        REQUIRE(client.send_text(listen("stop")));
        const HeardReply reply = read_reply(client, BinaryProtocol::v3);
        CHECK(reply.payloads == packets);
        CHECK(metric(serve, "xiaozhi_bad_frames_total{reason=\"size_mismatch\"}") == 2);
        CHECK(metric(serve, "xiaozhi_bad_frames_total{reason=\"too_short\"}") == 1);
    }
    CHECK(serve.stop() == 0);
}

TEST_CASE("an oversized message closes with 1009, others are served", "[serve][websocket]") {
    ServeProcess serve("[server]\nmax_message_size = 4096\n");
    WsClient other;
    connect_and_hello(other, serve.websocket_port());
    WsClient client;
    connect_and_hello(client, serve.websocket_port());
    REQUIRE(client.send_binary(std::vector<std::uint8_t>(4097, 0x55)));
    CHECK_FALSE(client.read(5000));
    CHECK(client.closed());
    CHECK(client.close_code() == 1009);
    CHECK(metric(serve, "xiaozhi_session_closes_total{reason=\"too_big\"}") == 1);
    // A message of exactly the limit is fine.
    REQUIRE(other.send_binary(std::vector<std::uint8_t>(4096, 0x55)));
    hello(other);
    CHECK(serve.stop() == 0);
}

TEST_CASE("a device that never says hello, or stops talking, is closed", "[serve][websocket]") {
    ServeProcess serve("close_connection_no_voice_time = 2\n[server]\nhello_timeout = 1\n");
    SECTION("no hello: 1008 after server.hello_timeout") {
        WsClient silent;
        REQUIRE(silent.connect(serve.websocket_port(), device()));
        const auto started = std::chrono::steady_clock::now();
        CHECK_FALSE(silent.read(9000));
        CHECK(silent.close_code() == 1008);
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(5000));
        CHECK(metric(serve, "xiaozhi_handshake_failures_total{reason=\"hello_timeout\"}") == 1);
    }
    SECTION("idle: a listen message moves the close, silence then closes normally") {
        WsClient client;
        connect_and_hello(client, serve.websocket_port());
        std::this_thread::sleep_for(std::chrono::milliseconds(1300));
        REQUIRE(client.send_text(listen("detect")));
        std::this_thread::sleep_for(std::chrono::milliseconds(1300));
        hello(client);  // 2.6 s after the first hello, 1.3 s after the listen message
        const auto started = std::chrono::steady_clock::now();
        CHECK_FALSE(client.read(5000));
        CHECK(client.close_code() == 1000);
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(3000));
        CHECK(metric(serve, "xiaozhi_session_closes_total{reason=\"idle\"}") == 1);
    }
    CHECK(serve.stop() == 0);
}

TEST_CASE("a reader that never reads is closed while another device is served",
          "[serve][websocket]") {
    // A turn budget large enough to keep all 100 packets (6 MB) for the reply.
    ServeProcess serve("[server]\nsend_queue_limit = 8\nmax_turn_bytes = 8388608\n");
    WsClient stuck;
    WsConnect options = device();
    options.receive_buffer = 4096;
    REQUIRE(stuck.connect(serve.websocket_port(), options));
    REQUIRE(stuck.send_text(kFirmwareHello));
    REQUIRE(stuck.send_text(listen("start")));
    // 100 large "packets" to echo: far more than the socket buffers hold.
    // A valid Opus TOC (CELT 20 ms, one frame), so the echo keeps and replays it.
    std::vector<std::uint8_t> big(60000, 0xAB);
    big[0] = 0xF8;
    for (int i = 0; i < 100; ++i) REQUIRE(stuck.send_binary(big));
    REQUIRE(stuck.send_text(listen("stop")));

    WsClient other;
    connect_and_hello(other, serve.websocket_port());
    REQUIRE(other.send_text(listen("start")));
    const Packets packets = speech_packets(600);
    send_packets(other, BinaryProtocol::v1, packets);
    REQUIRE(other.send_text(listen("stop")));
    CHECK(read_reply(other, BinaryProtocol::v1).payloads == packets);

    REQUIRE(serve.wait_for_log("reason=slow_reader", 15000));
    CHECK(metric(serve, "xiaozhi_session_closes_total{reason=\"slow_reader\"}") == 1);
    // What the stuck reader finds: what fit in the buffers, then the end of the connection.
    bool ended = false;
    for (int i = 0; i < 200 && !ended; ++i) ended = !stuck.read(3000);
    CHECK(ended);
    CHECK(stuck.closed());
    hello(other);
    CHECK(serve.stop() == 0);
}

TEST_CASE("SIGTERM closes device sessions with 1001", "[serve][websocket]") {
    ServeProcess serve;
    WsClient client;
    connect_and_hello(client, serve.websocket_port());
    serve.signal(SIGTERM);
    CHECK_FALSE(client.read(10000));
    CHECK(client.close_code() == 1001);
    CHECK(serve.wait_exit(10000) == 0);
}

TEST_CASE("enable_websocket_ping closes a device that stops answering, and only then",
          "[serve][ws]") {
    for (const bool ping : {true, false}) {
        SECTION(ping ? "pings on" : "pings off") {
            ServeProcess serve(std::string("enable_websocket_ping = ") + (ping ? "true" : "false") +
                               "\n[server]\nwebsocket_ping_interval = 1\n");
            WsClient client;
            connect_and_hello(client, serve.websocket_port());
            std::this_thread::sleep_for(std::chrono::milliseconds(3500));
            const auto message = client.read(1000);
            CHECK_FALSE(message);
            if (ping) {
                CHECK(client.closed());
            } else {
                CHECK(client.timed_out());
                CHECK_FALSE(client.closed());
            }
            CHECK(serve.stop() == 0);
        }
    }
}
