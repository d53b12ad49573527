// SimulatedDevice: the firmware's boot, connection and turns on Beast, on one thread's io_context.
#include "simulated_device.hpp"

#include <array>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "audio/opus_frame_decoder.hpp"
#include "deploy/url.hpp"
#include "device_identity.hpp"
#include "protocol/device_headers.hpp"
#include "protocol/ota_answer.hpp"
#include "protocol/ota_request.hpp"
#include "protocol/server_message.hpp"

namespace xiaozhi::simulator {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Executor = asio::io_context::executor_type;

constexpr std::size_t kMaxMessage = 64 * 1024;
constexpr std::size_t kWriteBuffer = 512;

std::uint64_t micros_since(Clock::time_point from, Clock::time_point to) {
    if (to <= from) return 0;
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(to - from).count());
}

std::string target_of(const deploy::Url& url) {
    return url.query.empty() ? url.path : url.path + "?" + url.query;
}

std::string host_header(const deploy::Url& url) {
    const bool v6 = url.host.find(':') != std::string::npos;
    return (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

// The class of a failed TCP connect, with `prefix` ("ota_" for the OTA request).
std::string connect_error_class(const error_code& ec, const std::string& prefix) {
    if (ec == asio::error::connection_refused) return prefix + "connect_refused";
    if (ec == beast::error::timeout) return prefix + "connect_timeout";
    return prefix + "connect_error";
}

// The OTA request's sockets and buffers, alive only while it runs.
struct OtaExchange {
    explicit OtaExchange(const Executor& executor) : resolver(executor), stream(executor) {}
    tcp::resolver resolver;
    beast::tcp_stream stream;
    http::request<http::string_body> request;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
};

// An uplink message waiting for the previous write: a text, or a shared Opus packet.
struct Outgoing {
    std::string text;
    const std::vector<std::uint8_t>* packet = nullptr;
    std::uint32_t timestamp_ms = 0;
};

class SimulatedDevice : public std::enable_shared_from_this<SimulatedDevice> {
  public:
    SimulatedDevice(asio::io_context& io, const SimulationContext& context, std::uint32_t index,
                    Clock::time_point scheduled)
        : context_(context),
          options_(context.options),
          index_(index),
          executor_(io.get_executor()),
          ws_(executor_),
          timer_(executor_),
          deadline_(executor_),
          random_(device_seed(context.options.seed, index)),
          scheduled_(scheduled) {}

    void start() {
        asio::post(executor_, [self = shared_from_this()] { self->boot(); });
    }

  private:
    enum class Deadline { none, hello, reply };

    // --- Boot: OTA or straight to the WebSocket ---

    void boot() {
        stats().add(Counter::devices_started);
        identity_ = make_device_identity(options_.seed, index_);
        if (options_.ota_url.empty()) {
            connect(options_.ws_url, options_.token, scheduled_);
        } else {
            request_ota();
        }
    }

    void request_ota() {
        const auto url = deploy::parse_url(options_.ota_url);
        if (!url) return fail("ota_bad_url");
        ota_ = std::make_unique<OtaExchange>(executor_);
        protocol::OtaRequest request;
        request.device_id = identity_.mac;
        request.client_id = identity_.client_id;
        request.user_agent = options_.board + "/" + options_.firmware_version;
        request.app_version = options_.firmware_version;
        request.board_type = options_.board;
        auto& http_request = ota_->request;
        http_request.method(http::verb::post);
        http_request.target(target_of(*url));
        http_request.version(11);
        http_request.set(http::field::host, host_header(*url));
        for (const auto& [name, value] : protocol::ota_request_headers(request)) {
            http_request.set(name, value);
        }
        http_request.body() = protocol::ota_request_body(request);
        http_request.prepare_payload();
        ota_->parser.body_limit(kMaxMessage);
        ota_->stream.expires_after(options_.connect_timeout);
        ota_->resolver.async_resolve(
            url->host, std::to_string(url->port),
            [self = shared_from_this()](error_code ec, tcp::resolver::results_type results) {
                self->on_ota_resolved(ec, results);
            });
    }

    void on_ota_resolved(const error_code& ec, const tcp::resolver::results_type& results) {
        if (finished_) return;
        if (ec) return fail("ota_resolve_failed");
        ota_->stream.async_connect(
            results, [self = shared_from_this()](error_code ec, const tcp::endpoint&) {
                if (self->finished_) return;
                if (ec) return self->fail(connect_error_class(ec, "ota_"));
                self->ota_->stream.expires_after(self->options_.connect_timeout);
                http::async_write(self->ota_->stream, self->ota_->request,
                                  [self](error_code ec, std::size_t) { self->on_ota_sent(ec); });
            });
    }

    void on_ota_sent(const error_code& ec) {
        if (finished_) return;
        if (ec) return fail(ec == beast::error::timeout ? "ota_timeout" : "ota_io_error");
        http::async_read(
            ota_->stream, ota_->buffer, ota_->parser,
            [self = shared_from_this()](error_code ec, std::size_t) { self->on_ota_answer(ec); });
    }

    void on_ota_answer(const error_code& ec) {
        if (finished_) return;
        if (ec) return fail(ec == beast::error::timeout ? "ota_timeout" : "ota_io_error");
        const auto& response = ota_->parser.get();
        const unsigned status = response.result_int();
        std::string error;
        const auto answer =
            status == 200 ? protocol::parse_ota_answer(response.body(), error) : std::nullopt;
        error_code ignored;
        ota_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        ota_.reset();
        if (status != 200) return fail("ota_http_" + std::to_string(status));
        if (!answer) return fail("ota_bad_answer");
        if (!answer->websocket) return fail("ota_no_websocket");
        const auto now = Clock::now();
        stats().record(Latency::ota, micros_since(scheduled_, now));
        stats().add(Counter::ota_ok);
        if (answer->websocket->version) {
            offered_protocol_ =
                protocol::parse_binary_protocol(std::to_string(*answer->websocket->version));
        }
        connect(answer->websocket->url, answer->websocket->token.value_or(""), now);
    }

    // --- WebSocket connection and hello ---

    void connect(const std::string& url_text, const std::string& token,
                 Clock::time_point scheduled) {
        const auto url = deploy::parse_url(url_text);
        if (!url || (url->scheme != "ws" && url->scheme != "wss")) return fail("bad_websocket_url");
        if (url->scheme == "wss") return fail("wss_not_supported");
        version_ =
            options_.protocol.value_or(offered_protocol_.value_or(protocol::BinaryProtocol::v1));
        connect_scheduled_ = scheduled;
        const std::string host = host_header(*url);
        const std::string target = target_of(*url);
        ws_.set_option(
            websocket::stream_base::decorator([headers = protocol::websocket_request_headers(
                                                   identity_.mac, identity_.client_id, version_,
                                                   token)](websocket::request_type& request) {
                for (const auto& [name, value] : headers) request.set(name, value);
            }));
        auto resolver = std::make_shared<tcp::resolver>(executor_);
        beast::get_lowest_layer(ws_).expires_after(options_.connect_timeout);
        resolver->async_resolve(url->host, std::to_string(url->port),
                                [self = shared_from_this(), resolver, host, target](
                                    error_code ec, tcp::resolver::results_type results) {
                                    if (self->finished_) return;
                                    if (ec) return self->fail("resolve_failed");
                                    beast::get_lowest_layer(self->ws_).async_connect(
                                        results,
                                        [self, host, target](error_code ec, const tcp::endpoint&) {
                                            self->on_connected(ec, host, target);
                                        });
                                });
    }

    void on_connected(const error_code& ec, const std::string& host, const std::string& target) {
        if (finished_) return;
        if (ec) return fail(connect_error_class(ec, ""));
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = options_.connect_timeout;
        timeout.idle_timeout = websocket::stream_base::none();
        timeout.keep_alive_pings = false;
        ws_.set_option(timeout);
        ws_.write_buffer_bytes(kWriteBuffer);
        ws_.read_message_max(kMaxMessage);
        upgrade_ = std::make_unique<websocket::response_type>();
        ws_.async_handshake(*upgrade_, host, target,
                            [self = shared_from_this()](error_code ec) { self->on_upgraded(ec); });
    }

    void on_upgraded(const error_code& ec) {
        if (finished_) return;
        const unsigned status = upgrade_->result_int();
        upgrade_.reset();
        if (ec == websocket::error::upgrade_declined) {
            return fail("upgrade_rejected_" + std::to_string(status));
        }
        if (ec) return fail(ec == beast::error::timeout ? "upgrade_timeout" : "upgrade_failed");
        const auto now = Clock::now();
        stats().add(Counter::connected);
        stats().record(Latency::connect, micros_since(connect_scheduled_, now));
        protocol::DeviceHello hello;
        hello.features = {true, true};
        hello.audio_params = protocol::AudioParams{};
        hello.audio_params->frame_duration = context_.uplink.frame_duration_ms;
        hello_sent_ = now;
        send_text(protocol::to_text(hello));
        arm_deadline(Deadline::hello, now + options_.hello_timeout);
        read();
    }

    // --- Reading what the server sends ---

    void read() {
        ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, std::size_t) {
            self->on_read(ec);
        });
    }

    void on_read(const error_code& ec) {
        if (finished_) return;
        if (ec == websocket::error::closed) {
            return fail("closed_by_server_" + std::to_string(ws_.reason().code));
        }
        if (ec) return fail("connection_lost");
        const auto data = buffer_.cdata();
        const std::string_view bytes(static_cast<const char*>(data.data()), data.size());
        if (ws_.got_text()) {
            on_text(bytes);
        } else {
            on_binary(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
        }
        buffer_.consume(buffer_.size());
        if (!finished_) read();
    }

    void on_text(std::string_view text) {
        stats().add(Counter::text_received);
        const protocol::ServerMessage message = protocol::parse_server_message(text);
        if (const auto* hello = std::get_if<protocol::ServerHello>(&message)) {
            if (hello_done_) return;
            if (hello->transport != "websocket") return fail("hello_invalid");
            hello_done_ = true;
            deadline_kind_ = Deadline::none;
            const auto now = Clock::now();
            stats().add(Counter::hello_ok);
            stats().record(Latency::hello, micros_since(hello_sent_, now));
            session_id_ = hello->session_id;
            if (options_.verify_audio) decoder_.emplace(kUplinkSampleRate, 1);
            if (options_.idle) return stay_idle();
            start_turn(now);
        } else if (const auto* tts = std::get_if<protocol::TtsMessage>(&message)) {
            if (tts->state == protocol::TtsState::start) {
                on_reply_started();
            } else if (tts->state == protocol::TtsState::stop) {
                on_reply_stopped();
            }
        }
    }

    void on_binary(std::span<const std::uint8_t> bytes) {
        stats().add(Counter::frames_received);
        stats().add(Counter::bytes_received, bytes.size());
        const protocol::FrameDecodeResult decoded = protocol::decode_frame(version_, bytes);
        if (!decoded.ok()) {
            stats().add(Counter::bad_frames);
            stats().error("bad_frame");
            return;
        }
        if (decoded.frame.type != protocol::PayloadType::opus || decoded.frame.payload.empty()) {
            return;
        }
        if (decoder_ && decoder_->decode(decoded.frame.payload, pcm_) < 0) {
            stats().add(Counter::undecodable_audio);
            stats().error("undecodable_audio");
        }
        if (!turn_active_) return;
        const auto now = Clock::now();
        match_echo(decoded.frame.payload, now);
        if (reply_frames_ == 0) {
            if (utterance_end_)
                stats().record(Latency::first_reply, micros_since(*utterance_end_, now));
        } else {
            stats().record(Latency::downlink_gap, micros_since(last_downlink_, now));
        }
        last_downlink_ = now;
        ++reply_frames_;
        if (abort_this_turn_ && !abort_sent_ && reply_frames_ >= 2) {
            abort_sent_ = true;
            send_text(protocol::to_text(protocol::AbortMessage{session_id_, ""}));
        }
    }

    void match_echo(std::span<const std::uint8_t> payload, Clock::time_point now) {
        const EchoMatch match = echo_.received(context_.echo_index.find(payload), now);
        switch (match.outcome) {
            case EchoOutcome::in_order:
            case EchoOutcome::reordered:
                stats().add(Counter::frames_echoed);
                if (match.outcome == EchoOutcome::reordered) stats().add(Counter::frames_reordered);
                stats().record(Latency::round_trip,
                               static_cast<std::uint64_t>(match.round_trip.count()));
                break;
            case EchoOutcome::duplicate:
                stats().add(Counter::frames_duplicated);
                break;
            case EchoOutcome::unmatched:
                stats().add(Counter::frames_unmatched);
                ++unmatched_this_turn_;
                break;
        }
    }

    // --- Idle: connected, saying nothing, until the end of the run ---

    void stay_idle() {
        if (!context_.turns_end) return finish();
        timer_.expires_at(*context_.turns_end);
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (ec || self->finished_) return;
            self->finish();
        });
    }

    // --- Turns ---

    void start_turn(Clock::time_point at) {
        if (finished_) return;
        const bool turns_left = options_.turns == 0 || turns_done_ < options_.turns;
        const bool time_left = !context_.turns_end || at < *context_.turns_end;
        if (!turns_left || !time_left) return finish();
        stats().add(Counter::turns_started);
        turn_active_ = true;
        in_reply_ = false;
        abort_sent_ = false;
        abort_this_turn_ = options_.abort_rate > 0 && random_.unit() < options_.abort_rate;
        reply_frames_ = 0;
        unmatched_this_turn_ = 0;
        frame_index_ = 0;
        echo_.begin(context_.uplink.packets.size());
        utterance_end_.reset();
        turn_start_ = at;
        send_text(protocol::to_text(
            protocol::ListenMessage{session_id_, protocol::ListenState::start, options_.mode, ""}));
        schedule_uplink();
    }

    Clock::time_point frame_due(std::size_t index) const {
        return turn_start_ + std::chrono::milliseconds(context_.uplink.frame_duration_ms) * index;
    }

    void schedule_uplink() {
        const auto due = frame_due(frame_index_);
        timer_.expires_at(due);
        timer_.async_wait([self = shared_from_this(), due](error_code ec) {
            if (ec || self->finished_ || self->in_reply_) return;
            self->on_uplink_due(due);
        });
    }

    void on_uplink_due(Clock::time_point due) {
        const auto& packets = context_.uplink.packets;
        if (frame_index_ >= packets.size()) {
            utterance_end_ = due;
            send_text(protocol::to_text(protocol::ListenMessage{
                session_id_, protocol::ListenState::stop, options_.mode, ""}));
            arm_deadline(Deadline::reply, due + options_.reply_timeout);
            return;
        }
        stats().record(Latency::pacing_lateness, micros_since(due, Clock::now()));
        const auto timestamp = static_cast<std::uint32_t>(frame_index_) *
                               static_cast<std::uint32_t>(context_.uplink.frame_duration_ms);
        echo_.sent(static_cast<std::uint32_t>(frame_index_), due);
        send(Outgoing{{}, &packets[frame_index_], timestamp});
        ++frame_index_;
        schedule_uplink();
    }

    // The server answers; in auto and realtime modes it may do so before `listen stop`,
    // and the device then stops streaming as the firmware does.
    void on_reply_started() {
        if (!turn_active_ || in_reply_) return;
        in_reply_ = true;
        if (!utterance_end_) {
            utterance_end_ = frame_due(frame_index_);
            timer_.cancel();
            arm_deadline(Deadline::reply, *utterance_end_ + options_.reply_timeout);
        }
    }

    void on_reply_stopped() {
        if (!turn_active_ || !in_reply_) return;
        turn_active_ = false;
        in_reply_ = false;
        deadline_kind_ = Deadline::none;
        ++turns_done_;
        stats().add(Counter::turns_completed);
        if (abort_sent_) {
            stats().add(Counter::turns_aborted);
        } else if (unmatched_this_turn_ == 0) {
            // Only an echo is checked for loss: a reply with audio the device never sent is not
            // one.
            stats().add(Counter::frames_lost,
                        echo_.lost(options_.mode == protocol::ListenMode::manual_stop));
        }
        const double jitter = 0.8 + 0.4 * random_.unit();
        const auto next =
            Clock::now() + std::chrono::duration_cast<Clock::duration>(options_.pause * jitter);
        timer_.expires_at(next);
        timer_.async_wait([self = shared_from_this(), next](error_code ec) {
            if (ec || self->finished_) return;
            self->start_turn(next);
        });
    }

    // --- Deadlines (hello, reply) ---

    void arm_deadline(Deadline kind, Clock::time_point at) {
        deadline_kind_ = kind;
        const std::uint32_t generation = ++deadline_generation_;
        deadline_.expires_at(at);
        deadline_.async_wait([self = shared_from_this(), kind, generation](error_code ec) {
            if (ec || self->finished_ || self->deadline_kind_ != kind ||
                self->deadline_generation_ != generation) {
                return;
            }
            self->fail(kind == Deadline::hello ? "hello_timeout" : "reply_timeout");
        });
    }

    // --- Writing ---

    void send_text(std::string text) { send(Outgoing{std::move(text), nullptr, 0}); }

    void send(Outgoing outgoing) {
        if (finished_) return;
        outgoing_.push_back(std::move(outgoing));
        if (!writing_) write_next();
    }

    void write_next() {
        if (outgoing_.empty() || finished_) return;
        writing_ = true;
        const Outgoing& next = outgoing_.front();
        auto done = [self = shared_from_this()](error_code ec, std::size_t bytes) {
            self->on_written(ec, bytes);
        };
        if (!next.packet) {
            ws_.text(true);
            ws_.async_write(asio::buffer(next.text), std::move(done));
            return;
        }
        ws_.binary(true);
        const auto header_size =
            protocol::write_frame_header(version_, protocol::PayloadType::opus, next.timestamp_ms,
                                         next.packet->size(), header_)
                .value_or(0);
        const std::array<asio::const_buffer, 2> frame{asio::buffer(header_.data(), header_size),
                                                      asio::buffer(*next.packet)};
        ws_.async_write(frame, std::move(done));
    }

    void on_written(const error_code& ec, std::size_t bytes) {
        writing_ = false;
        if (finished_) return;
        if (ec) return fail("connection_lost");
        if (outgoing_.front().packet) {
            stats().add(Counter::frames_sent);
            stats().add(Counter::bytes_sent, bytes);
        }
        outgoing_.erase(outgoing_.begin());
        write_next();
    }

    // --- The end ---

    void finish() {
        if (finished_) return;
        finished_ = true;
        stats().add(Counter::devices_done);
        cancel_timers();
        ws_.async_close(websocket::close_code::normal,
                        [self = shared_from_this()](error_code) { self->close_socket(); });
    }

    void fail(const std::string& error_class) {
        if (finished_) return;
        finished_ = true;
        stats().error(error_class);
        stats().add(Counter::devices_failed);
        cancel_timers();
        if (ota_) {
            error_code ignored;
            ota_->stream.socket().close(ignored);
            ota_->resolver.cancel();
        }
        close_socket();
    }

    void cancel_timers() {
        timer_.cancel();
        deadline_.cancel();
    }

    void close_socket() {
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    RunStats& stats() { return context_.stats; }

    const SimulationContext& context_;
    const SimulationOptions& options_;
    std::uint32_t index_;
    Executor executor_;  // of an io_context run by one thread: no strand needed
    websocket::stream<beast::tcp_stream> ws_;
    asio::steady_timer timer_;     // uplink pacing and the pause between turns
    asio::steady_timer deadline_;  // hello and reply timeouts
    DeviceRandom random_;
    DeviceIdentity identity_;
    std::unique_ptr<OtaExchange> ota_;
    std::unique_ptr<websocket::response_type> upgrade_;
    beast::flat_buffer buffer_;
    std::vector<Outgoing> outgoing_;
    std::array<std::uint8_t, protocol::kMaxFrameHeaderSize> header_{};
    TurnEcho echo_;
    std::optional<audio::OpusFrameDecoder> decoder_;
    std::vector<std::int16_t> pcm_;
    std::string session_id_;

    protocol::BinaryProtocol version_ = protocol::BinaryProtocol::v1;
    std::optional<protocol::BinaryProtocol> offered_protocol_;
    Clock::time_point scheduled_;
    Clock::time_point connect_scheduled_;
    Clock::time_point hello_sent_;
    Clock::time_point turn_start_;
    std::optional<Clock::time_point> utterance_end_;
    Clock::time_point last_downlink_;
    Deadline deadline_kind_ = Deadline::none;
    std::uint32_t deadline_generation_ = 0;
    std::size_t frame_index_ = 0;
    std::uint32_t reply_frames_ = 0;
    std::uint32_t unmatched_this_turn_ = 0;
    int turns_done_ = 0;
    bool hello_done_ = false;
    bool turn_active_ = false;
    bool in_reply_ = false;
    bool abort_this_turn_ = false;
    bool abort_sent_ = false;
    bool writing_ = false;
    bool finished_ = false;
};

}  // namespace

void start_device(asio::io_context& io, const SimulationContext& context, std::uint32_t index,
                  Clock::time_point scheduled) {
    std::make_shared<SimulatedDevice>(io, context, index, scheduled)->start();
}

}  // namespace xiaozhi::simulator
