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
                                static_cast<int>(settings_.downlink.frame_duration));
    }
}

namespace {

constexpr int kCountingRate = 48000;

int samples_to_ms(std::int64_t samples) {
    return static_cast<int>(samples * 1000 / kCountingRate);
}

}  // namespace

void EchoBackend::listen_start(protocol::ListenMode mode) {
    in_turn_ = true;
    mode_ = mode;
    clear_heard();
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

void EchoBackend::clear_heard() {
    std::vector<ReplyPacket>().swap(heard_);
    heard_payload_bytes_ = 0;
    heard_samples_ = 0;
}

std::chrono::steady_clock::time_point EchoBackend::now() const {
    return settings_.clock ? settings_.clock() : std::chrono::steady_clock::now();
}

std::size_t EchoBackend::kept_bytes() const {
    return heard_payload_bytes_ + heard_.size() * kKeptPacketOverhead +
           heard_.capacity() * sizeof(ReplyPacket);
}

std::shared_ptr<const Reply> EchoBackend::audio(std::span<const std::uint8_t> opus) {
    if (!in_turn_ || opus.empty()) return nullptr;
    const int samples = audio::opus_packet_samples(opus, kCountingRate);
    if (samples <= 0) return nullptr;
    const auto arrival = now();
    if (heard_.empty()) first_arrival_ = arrival;
    const std::size_t capacity_after = heard_.size() < heard_.capacity()
                                           ? heard_.capacity()
                                           : std::max<std::size_t>(8, 2 * heard_.size());
    const std::size_t bytes_after = heard_payload_bytes_ + opus.size() +
                                    (heard_.size() + 1) * kKeptPacketOverhead +
                                    capacity_after * sizeof(ReplyPacket);
    if (bytes_after > settings_.max_turn_bytes) {
        end_reason_ = "max_turn_bytes";
        return finish_utterance();
    }
    if (capacity_after != heard_.capacity()) heard_.reserve(capacity_after);
    heard_.push_back(ReplyPacket{{opus.begin(), opus.end()}, samples_to_ms(heard_samples_)});
    heard_payload_bytes_ += opus.size();
    heard_samples_ += samples;
    if (arrival - first_arrival_ >= settings_.max_turn_time ||
        samples_to_ms(heard_samples_) >= settings_.max_turn_time.count()) {
        end_reason_ = "max_turn_seconds";
        return finish_utterance();
    }
    if (vad_decoder_ && vad_decoder_->decode(opus, pcm_) > 0 &&
        vad_.feed(pcm_) == audio::VadEvent::utterance_ended) {
        end_reason_ = "silence";
        return finish_utterance();
    }
    return nullptr;
}

std::shared_ptr<const Reply> EchoBackend::end_of_utterance() {
    if (!in_turn_) return nullptr;
    end_reason_ = "listen_stop";
    return finish_utterance();
}

void EchoBackend::abort() {
    clear_heard();
    vad_.reset();
}

std::shared_ptr<const Reply> EchoBackend::finish_utterance() {
    in_turn_ = mode_ == protocol::ListenMode::realtime;
    vad_.reset();
    if (!in_turn_) release_vad_decoder();
    if (heard_.empty()) return nullptr;
    const int heard_ms = samples_to_ms(heard_samples_);
    auto reply = std::make_shared<Reply>();
    reply->ended_by = end_reason_;
    reply->stt_text =
        fmt::format("heard {:.1f} s of audio in {} frames", heard_ms / 1000.0, heard_.size());
    reply->sentence_text = fmt::format("echo of {:.1f} s", heard_ms / 1000.0);
    if (settings_.transcode) {
        reply->packets = transcoded(heard_);
        reply->duration_ms = static_cast<int>(reply->packets.size() *
                                              static_cast<int>(settings_.downlink.frame_duration));
    } else {
        reply->packets = std::move(heard_);
        reply->duration_ms = heard_ms;
    }
    clear_heard();
    return reply;
}

std::vector<ReplyPacket> EchoBackend::transcoded(const std::vector<ReplyPacket>& heard) {
    const protocol::AudioParams& down = settings_.downlink;
    audio::OpusFrameDecoder decoder(down.sample_rate, down.channels);
    const int frame_ms = static_cast<int>(down.frame_duration);
    audio::OpusFrameEncoder encoder(down.sample_rate, down.channels, frame_ms);
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
        packet.start_ms = static_cast<int>(out.size()) * frame_ms;
        encoder.encode(std::span(all).subspan(at, frame), packet.opus);
        out.push_back(std::move(packet));
    }
    return out;
}

}  // namespace xiaozhi::server
