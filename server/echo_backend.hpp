// The default conversation backend: plays back what the device said during a listen turn.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "audio/opus_frame_decoder.hpp"
#include "audio/opus_frame_encoder.hpp"
#include "audio/voice_activity.hpp"
#include "conversation_backend.hpp"
#include "protocol/audio_params.hpp"

namespace xiaozhi::server {

// Memory one kept packet costs beyond its bytes: its vector's allocation header.
inline constexpr std::size_t kKeptPacketOverhead = 16;

struct EchoSettings {
    protocol::AudioParams downlink;  // the server's xiaozhi.audio_params
    bool transcode = false;          // re-encode the reply at the downlink parameters
    audio::VadSettings vad;          // end of utterance in auto and realtime modes (16 kHz)
    // An utterance ends as if the device had stopped when what it keeps would pass
    // `max_turn_bytes` (packets, their bookkeeping and the list holding them), or when
    // `max_turn_time` has passed since its first packet arrived, or when its packets'
    // Opus durations add up to `max_turn_time`, whichever comes first.
    std::size_t max_turn_bytes = 384 * 1024;
    std::chrono::milliseconds max_turn_time{60000};
    // The arrival clock; steady_clock::now unless a test sets it.
    std::function<std::chrono::steady_clock::time_point()> clock;
};

// Collects the device's Opus packets during a listen turn and answers them back: `stt`
// says how much audio was heard (durations from each packet's Opus TOC; a packet that is
// not Opus is not kept), the reply's packets are the device's own (an Opus
// packet decodes at any rate) or, with `transcode`, the audio re-encoded at the
// downlink rate, channels and frame duration. In auto and realtime modes the uplink is
// decoded at 16 kHz and a voice-activity detector ends the utterance on silence; in
// realtime mode the turn then goes on for the next utterance, in auto mode it is over.
class EchoBackend final : public ConversationBackend {
  public:
    // Throws std::invalid_argument when Opus cannot work with the downlink parameters
    // (transcode) or the VAD settings are invalid.
    explicit EchoBackend(EchoSettings settings);

    void listen_start(protocol::ListenMode mode) override;
    std::shared_ptr<const Reply> audio(std::span<const std::uint8_t> opus) override;
    std::shared_ptr<const Reply> end_of_utterance() override;
    void abort() override;
    bool in_turn() const override { return in_turn_; }

    // Bytes the open utterance keeps, counted as the max_turn_bytes budget counts them.
    std::size_t kept_bytes() const;

  private:
    std::shared_ptr<const Reply> finish_utterance();
    std::vector<ReplyPacket> transcoded(const std::vector<ReplyPacket>& heard);
    std::chrono::steady_clock::time_point now() const;
    void release_vad_decoder();
    void clear_heard();

    EchoSettings settings_;
    bool in_turn_ = false;
    protocol::ListenMode mode_ = protocol::ListenMode::auto_stop;
    std::vector<ReplyPacket> heard_;
    std::size_t heard_payload_bytes_ = 0;
    std::int64_t heard_samples_ = 0;  // at 48 kHz, so 2.5 ms packets count exactly
    std::chrono::steady_clock::time_point first_arrival_;
    const char* end_reason_ = "listen_stop";
    // 16 kHz mono, for the VAD; only while an auto or realtime turn is open, as
    // libopus's decoder state (~18 KB) would dominate an idle session's memory.
    std::optional<audio::OpusFrameDecoder> vad_decoder_;
    audio::VoiceActivityDetector vad_;
    std::vector<std::int16_t> pcm_;  // reused decode buffer, released with the decoder
};

}  // namespace xiaozhi::server
