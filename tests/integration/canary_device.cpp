// CanaryDevice: hello, then manual turns of real Opus speech checked packet for packet.
#include "canary_device.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "audio/opus_frame_encoder.hpp"
#include "audio/speech_signal.hpp"
#include "protocol/binary_frame.hpp"

namespace xiaozhi::testing {

namespace {

constexpr const char* kHello =
    R"({"type":"hello","version":1,"features":{"mcp":true},"transport":"websocket",)"
    R"("audio_params":{"format":"opus","sample_rate":16000,"channels":1,"frame_duration":60}})";

std::vector<std::vector<std::uint8_t>> speech_packets() {
    const auto pcm = audio::make_speech_signal(16000, 600, 5);
    audio::OpusFrameEncoder encoder(16000, 1, 60);
    const std::size_t frame = static_cast<std::size_t>(encoder.frame_samples());
    std::vector<std::vector<std::uint8_t>> packets;
    for (std::size_t at = 0; at + frame <= pcm.size(); at += frame) {
        packets.emplace_back();
        encoder.encode(std::span(pcm).subspan(at, frame), packets.back());
    }
    return packets;
}

}  // namespace

CanaryDevice::CanaryDevice(int websocket_port) {
    WsConnect options;
    options.headers = {{"Device-Id", "ca:ca:ca:ca:ca:01"},
                       {"Client-Id", "c0ffee00-0000-4000-8000-000000000001"}};
    REQUIRE(client_.connect(websocket_port, options));
    REQUIRE(client_.send_text(kHello));
    const auto answer = client_.read_text(10000);
    INFO("canary hello: " << client_.error());
    REQUIRE(answer);
    REQUIRE(nlohmann::json::parse(*answer).at("type") == "hello");
}

void CanaryDevice::talk(int timeout_ms) {
    static const auto packets = speech_packets();
    REQUIRE(client_.send_text(R"({"type":"listen","state":"start","mode":"manual"})"));
    for (const auto& packet : packets) {
        std::vector<std::uint8_t> frame;
        REQUIRE(protocol::encode_frame(protocol::BinaryProtocol::v1, protocol::PayloadType::opus, 0,
                                       packet, frame));
        REQUIRE(client_.send_binary(frame));
    }
    REQUIRE(client_.send_text(R"({"type":"listen","state":"stop"})"));
    std::size_t audio = 0;
    bool stopped = false;
    while (!stopped) {
        const auto message = client_.read(timeout_ms);
        INFO("canary reply: " << client_.error() << " close " << client_.close_code());
        REQUIRE(message);
        if (!message->text) {
            ++audio;
            continue;
        }
        const auto json = nlohmann::json::parse(message->data);
        stopped = json.at("type") == "tts" && json.at("state") == "stop" && audio > 0;
    }
    CHECK(audio == packets.size());
}

long resident_kib(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

}  // namespace xiaozhi::testing
