// Encoding the uplink utterance once: built-in speech or a resampled WAV file.
#include "uplink_audio.hpp"

#include <span>

#include "audio/opus_frame_encoder.hpp"
#include "audio/resampler.hpp"
#include "audio/speech_signal.hpp"
#include "audio/wav_file.hpp"

namespace xiaozhi::simulator {

namespace {

UplinkAudio encode(std::vector<std::int16_t> pcm, int frame_duration_ms) {
    audio::OpusFrameEncoder encoder(kUplinkSampleRate, 1, frame_duration_ms);
    const auto frame = static_cast<std::size_t>(encoder.frame_samples());
    if (pcm.size() % frame != 0) pcm.resize(pcm.size() + frame - pcm.size() % frame, 0);
    UplinkAudio uplink;
    uplink.frame_duration_ms = frame_duration_ms;
    for (std::size_t at = 0; at + frame <= pcm.size(); at += frame) {
        uplink.packets.emplace_back();
        encoder.encode(std::span<const std::int16_t>(pcm).subspan(at, frame),
                       uplink.packets.back());
    }
    return uplink;
}

}  // namespace

UplinkAudio speech_uplink(int duration_ms, int frame_duration_ms, std::uint32_t seed) {
    return encode(audio::make_speech_signal(kUplinkSampleRate, duration_ms, seed),
                  frame_duration_ms);
}

std::optional<UplinkAudio> wav_uplink(const std::string& path, int frame_duration_ms,
                                      std::string& error) {
    audio::WavReadResult read = audio::read_wav_file(path);
    if (!read.audio) {
        error = read.error;
        return std::nullopt;
    }
    const auto mono = audio::to_mono(read.audio->samples, read.audio->channels);
    if (mono.empty()) {
        error = path + ": the file holds no audio";
        return std::nullopt;
    }
    auto pcm = read.audio->sample_rate == kUplinkSampleRate
                   ? mono
                   : audio::resample_linear(mono, read.audio->sample_rate, kUplinkSampleRate);
    return encode(std::move(pcm), frame_duration_ms);
}

}  // namespace xiaozhi::simulator
