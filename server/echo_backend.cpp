// EchoBackend: collect a turn's packets, end it on `listen stop` or silence, reply with them.
#include "echo_backend.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "audio/opus_packet.hpp"

namespace xiaozhi::server {

EchoBackend::EchoBackend(EchoSettings settings)
    : settings_(std::move(settings)), vad_(settings_.vad) {
    if (settings_.transcode) {
        // Fails here, not at the first reply, when Opus cannot use the downlink parameters.
        audio::OpusFrameEncoder(settings_.downlink.sample_rate, settings_.downlink.channels,
                                settings_.downlink.frame_duration);
    }
}

void EchoBackend::listen_start(protocol::ListenMode mode) {
    in_turn_ = true;
    mode_ = mode;
    heard_.clear();
    heard_ms_ = 0;
    vad_.reset();
    if (mode == protocol::ListenMode::manual_stop) {
        release_vad_decoder();
    } else if (!vad_decoder_) {
        vad_decoder_.emplace(settings_.vad.sample_rate, 1);
    }
}

void EchoBackend::release_vad_decoder() {
    vad_decoder_.reset();
    std::vector<std::int16_t>().swap(pcm_);
}

int EchoBackend::packet_ms(std::span<const std::uint8_t> opus) const {
    const int ms = audio::opus_packet_duration_ms(opus);
    return ms > 0 ? ms : settings_.uplink.frame_duration;
}

std::shared_ptr<const Reply> EchoBackend::audio(std::span<const std::uint8_t> opus) {
    if (!in_turn_ || opus.empty()) return nullptr;
    heard_.push_back(ReplyPacket{{opus.begin(), opus.end()}, heard_ms_});
    heard_ms_ += packet_ms(opus);
    bool ended = heard_ms_ >= settings_.max_turn_ms;
    if (vad_decoder_ && vad_decoder_->decode(opus, pcm_) > 0 &&
        vad_.feed(pcm_) == audio::VadEvent::utterance_ended) {
        ended = true;
    }
    return ended ? finish_utterance() : nullptr;
}

std::shared_ptr<const Reply> EchoBackend::end_of_utterance() {
    if (!in_turn_) return nullptr;
    return finish_utterance();
}

void EchoBackend::abort() {
    heard_.clear();
    heard_ms_ = 0;
    vad_.reset();
}

std::shared_ptr<const Reply> EchoBackend::finish_utterance() {
    in_turn_ = mode_ == protocol::ListenMode::realtime;
    vad_.reset();
    if (!in_turn_) release_vad_decoder();
    if (heard_.empty()) return nullptr;
    auto reply = std::make_shared<Reply>();
    reply->stt_text =
        fmt::format("heard {:.1f} s of audio in {} frames", heard_ms_ / 1000.0, heard_.size());
    reply->sentence_text = fmt::format("echo of {:.1f} s", heard_ms_ / 1000.0);
    if (settings_.transcode) {
        reply->packets = transcoded(heard_);
        reply->duration_ms =
            static_cast<int>(reply->packets.size()) * settings_.downlink.frame_duration;
        heard_.clear();
    } else {
        reply->packets = std::move(heard_);
        reply->duration_ms = heard_ms_;
        heard_ = {};
    }
    heard_ms_ = 0;
    return reply;
}

std::vector<ReplyPacket> EchoBackend::transcoded(const std::vector<ReplyPacket>& heard) {
    const protocol::AudioParams& down = settings_.downlink;
    audio::OpusFrameDecoder decoder(down.sample_rate, down.channels);
    audio::OpusFrameEncoder encoder(down.sample_rate, down.channels, down.frame_duration);
    std::vector<std::int16_t> pcm;
    std::vector<std::int16_t> all;
    for (const ReplyPacket& packet : heard) {
        if (decoder.decode(packet.opus, pcm) > 0) all.insert(all.end(), pcm.begin(), pcm.end());
    }
    const std::size_t frame = static_cast<std::size_t>(encoder.frame_samples()) * down.channels;
    all.resize((all.size() + frame - 1) / frame * frame, 0);
    std::vector<ReplyPacket> out;
    out.reserve(all.size() / frame);
    for (std::size_t at = 0; at < all.size(); at += frame) {
        ReplyPacket packet;
        packet.start_ms = static_cast<int>(out.size()) * down.frame_duration;
        encoder.encode(std::span(all).subspan(at, frame), packet.opus);
        out.push_back(std::move(packet));
    }
    return out;
}

}  // namespace xiaozhi::server
