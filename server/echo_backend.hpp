// The default conversation backend: plays back what the device said during a listen turn.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "audio/opus_frame_decoder.hpp"
#include "audio/opus_frame_encoder.hpp"
#include "audio/voice_activity.hpp"
#include "conversation_backend.hpp"
#include "protocol/audio_params.hpp"

namespace xiaozhi::server {

struct EchoSettings {
    protocol::AudioParams uplink;    // the device's hello audio_params (or their defaults)
    protocol::AudioParams downlink;  // the server's xiaozhi.audio_params
    bool transcode = false;          // re-encode the reply at the downlink parameters
    audio::VadSettings vad;          // end of utterance in auto and realtime modes (16 kHz)
    int max_turn_ms = 60000;         // a turn this long ends as if the device had stopped
};

// Collects the device's Opus packets during a listen turn and answers them back: `stt`
// says how much audio was heard, the reply's packets are the device's own (an Opus
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

  private:
    std::shared_ptr<const Reply> finish_utterance();
    std::vector<ReplyPacket> transcoded(const std::vector<ReplyPacket>& heard);
    int packet_ms(std::span<const std::uint8_t> opus) const;
    void release_vad_decoder();

    EchoSettings settings_;
    bool in_turn_ = false;
    protocol::ListenMode mode_ = protocol::ListenMode::auto_stop;
    std::vector<ReplyPacket> heard_;
    int heard_ms_ = 0;
    // 16 kHz mono, for the VAD; only while an auto or realtime turn is open, as
    // libopus's decoder state (~18 KB) would dominate an idle session's memory.
    std::optional<audio::OpusFrameDecoder> vad_decoder_;
    audio::VoiceActivityDetector vad_;
    std::vector<std::int16_t> pcm_;  // reused decode buffer, released with the decoder
};

}  // namespace xiaozhi::server
