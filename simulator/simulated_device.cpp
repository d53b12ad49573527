// SimulatedDevice: the firmware's boot, connection and turns on Beast, on one thread's io_context,
// over TCP or TLS (https OTA, wss WebSocket).
#include "simulated_device.hpp"

#include <array>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "audio/opus_frame_decoder.hpp"
#include "deploy/url.hpp"
#include "device_identity.hpp"
#include "protocol/device_headers.hpp"
#include "protocol/ota_answer.hpp"
#include "protocol/ota_request.hpp"
#include "protocol/server_message.hpp"
#include "run_tls.hpp"
#include "tls_client.hpp"

namespace xiaozhi::simulator {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Executor = asio::io_context::executor_type;

// What a device talks over: plain TCP, or TLS on TCP (the transport of https and wss).
using PlainTransport = beast::tcp_stream;
using TlsTransport = beast::ssl_stream<beast::tcp_stream>;

template <typename Transport>
constexpr bool is_tls = std::is_same_v<Transport, TlsTransport>;

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

// The class of a failed TCP connect, with `prefix` ("ota_" for the OTA request).
std::string connect_error_class(const error_code& ec, const std::string& prefix) {
    if (ec == asio::error::connection_refused) return prefix + "connect_refused";
    if (ec == beast::error::timeout) return prefix + "connect_timeout";
    return prefix + "connect_error";
}

// A failed TLS handshake with `peer` ("host:port"): its class, with `prefix` ("ota_" for the
// OTA request), and its reason ("certificate has expired (10.0.0.2:443)").
struct TlsError {
    std::string error_class;
    std::string reason;
};

TlsError tls_error(TlsTransport& stream, const error_code& ec, const std::string& prefix,
                   const std::string& peer) {
    if (ec == beast::error::timeout) return {prefix + "tls_handshake_timeout", {}};
    const client::TlsFailure failure = client::tls_failure_of(stream, ec);
    return {prefix + (failure.certificate ? "tls_certificate" : "tls_handshake"),
            failure.reason + " (" + peer + ")"};
}

// A fresh `Stream` (a transport, or a WebSocket on one) on `executor`; over TLS from the run's
// shared context.
template <typename Stream, typename Transport>
Stream open_stream(const Executor& executor, ssl::context* tls) {
    if constexpr (is_tls<Transport>) {
        return Stream(executor, *tls);
    } else {
        return Stream(executor);
    }
}

// Counts a device that stopped on `error_class`.
void count_failure(RunStats& stats, const std::string& error_class, const std::string& reason) {
    stats.error(error_class, reason);
    stats.add(Counter::devices_failed);
}

// The run's TLS context for a device about to speak TLS; nullptr (and the device failed with
// `prefix`tls_handshake) when it cannot be made.
ssl::context* tls_context_for(const SimulationContext& context, const std::string& prefix) {
    ssl::context* tls = context.tls.context();
    if (tls == nullptr) count_failure(context.stats, prefix + "tls_handshake", context.tls.error());
    return tls;
}

// Who a device is and when it was due to boot: what the boot hands to the connection.
struct DeviceStart {
    std::uint32_t index = 0;
    DeviceIdentity identity;
    Clock::time_point scheduled;
};

// Where the boot sends the device: the WebSocket URL, its token and protocol version, and when
// connecting was due (latencies of the connection count from there).
struct Destination {
    std::string url;
    std::string token;
    std::optional<protocol::BinaryProtocol> offered_protocol;
    Clock::time_point scheduled;
};

void connect_device(const Executor& executor, const SimulationContext& context,
                    const DeviceStart& start, const Destination& destination);

// The OTA request of one device, over `Transport`; alive only while it runs. On a good answer
// it hands the device to connect_device().
template <typename Transport>
class OtaBoot : public std::enable_shared_from_this<OtaBoot<Transport>> {
  public:
    using std::enable_shared_from_this<OtaBoot>::shared_from_this;

    OtaBoot(const Executor& executor, const SimulationContext& context, DeviceStart start,
            ssl::context* tls)
        : context_(context),
          options_(context.options),
          executor_(executor),
          start_(std::move(start)),
          resolver_(executor),
          stream_(open_stream<Transport, Transport>(executor, tls)) {}

    void run(const deploy::Url& url) {
        protocol::OtaRequest request;
        request.device_id = start_.identity.mac;
        request.client_id = start_.identity.client_id;
        request.user_agent = options_.board + "/" + options_.firmware_version;
        request.app_version = options_.firmware_version;
        request.board_type = options_.board;
        request_.method(http::verb::post);
        request_.target(target_of(url));
        request_.version(11);
        request_.set(http::field::host, deploy::host_header(url));
        for (const auto& [name, value] : protocol::ota_request_headers(request)) {
            request_.set(name, value);
        }
        request_.body() = protocol::ota_request_body(request);
        request_.prepare_payload();
        parser_.body_limit(kMaxMessage);
        host_ = url.host;
        peer_ = deploy::host_header(url);
        lowest().expires_after(options_.connect_timeout);
        resolver_.async_resolve(
            url.host, std::to_string(url.port),
            [self = shared_from_this()](error_code ec, tcp::resolver::results_type results) {
                self->on_resolved(ec, results);
            });
    }

  private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    void on_resolved(const error_code& ec, const tcp::resolver::results_type& results) {
        if (ec) return fail("ota_resolve_failed");
        lowest().async_connect(results,
                               [self = shared_from_this()](error_code ec, const tcp::endpoint&) {
                                   self->on_connected(ec);
                               });
    }

    void on_connected(const error_code& ec) {
        if (ec) return fail(connect_error_class(ec, "ota_"));
        lowest().expires_after(options_.connect_timeout);
        if constexpr (is_tls<Transport>) {
            client::prepare_tls_stream(stream_, host_,
                                       client::TlsTrust{options_.ca_file, options_.insecure});
            stream_.async_handshake(
                ssl::stream_base::client,
                [self = shared_from_this(), started = Clock::now()](error_code ec) {
                    if (ec) {
                        const TlsError error = tls_error(self->stream_, ec, "ota_", self->peer_);
                        return self->fail(error.error_class, error.reason);
                    }
                    self->context_.stats.record(Latency::tls_handshake,
                                                micros_since(started, Clock::now()));
                    self->send();
                });
        } else {
            send();
        }
    }

    void send() {
        lowest().expires_after(options_.connect_timeout);
        http::async_write(
            stream_, request_,
            [self = shared_from_this()](error_code ec, std::size_t) { self->on_sent(ec); });
    }

    void on_sent(const error_code& ec) {
        if (ec) return fail(ec == beast::error::timeout ? "ota_timeout" : "ota_io_error");
        http::async_read(
            stream_, buffer_, parser_,
            [self = shared_from_this()](error_code ec, std::size_t) { self->on_answer(ec); });
    }

    void on_answer(const error_code& ec) {
        if (ec) return fail(ec == beast::error::timeout ? "ota_timeout" : "ota_io_error");
        const auto& response = parser_.get();
        const unsigned status = response.result_int();
        std::string error;
        const auto answer =
            status == 200 ? protocol::parse_ota_answer(response.body(), error) : std::nullopt;
        close();
        if (status != 200) return fail("ota_http_" + std::to_string(status));
        if (!answer) return fail("ota_bad_answer");
        if (!answer->websocket) return fail("ota_no_websocket");
        const auto now = Clock::now();
        context_.stats.record(Latency::ota, micros_since(start_.scheduled, now));
        context_.stats.add(Counter::ota_ok);
        Destination destination{answer->websocket->url, answer->websocket->token.value_or(""),
                                std::nullopt, now};
        if (answer->websocket->version) {
            destination.offered_protocol =
                protocol::parse_binary_protocol(std::to_string(*answer->websocket->version));
        }
        connect_device(executor_, context_, start_, destination);
    }

    void fail(const std::string& error_class, const std::string& reason = {}) {
        close();
        count_failure(context_.stats, error_class, reason);
    }

    void close() {
        error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().socket().close(ignored);
    }

    const SimulationContext& context_;
    const SimulationOptions& options_;
    Executor executor_;
    DeviceStart start_;
    tcp::resolver resolver_;
    Transport stream_;
    http::request<http::string_body> request_;
    beast::flat_buffer buffer_;
    http::response_parser<http::string_body> parser_;
    std::string host_;  // the URL's host: what the certificate must cover
    std::string peer_;  // "host:port", as reasons name the server
};

// An uplink message waiting for the previous write: a text, or a shared Opus packet.
struct Outgoing {
    std::string text;
    const std::vector<std::uint8_t>* packet = nullptr;
    std::uint32_t timestamp_ms = 0;
};

// Where a WebSocket connection goes: the URL's host (what a certificate must cover), its Host
// header ("host:port", also how reasons name the server) and the request target.
struct WebSocketTarget {
    std::string host;
    std::string host_header;
    std::string target;
};

// A device's WebSocket session over `Transport`: upgrade, hello, turns, until it finishes.
template <typename Transport>
class SimulatedDevice : public std::enable_shared_from_this<SimulatedDevice<Transport>> {
  public:
    using std::enable_shared_from_this<SimulatedDevice>::shared_from_this;

    SimulatedDevice(const Executor& executor, const SimulationContext& context,
                    const DeviceStart& start, ssl::context* tls)
        : context_(context),
          options_(context.options),
          executor_(executor),
          ws_(open_stream<websocket::stream<Transport>, Transport>(executor, tls)),
          timer_(executor_),
          deadline_(executor_),
          random_(device_seed(context.options.seed, start.index)) {}

    // --- WebSocket connection and hello ---

    void connect(const deploy::Url& url, const DeviceIdentity& identity,
                 const Destination& destination) {
        const std::string& token = destination.token;
        version_ = options_.protocol.value_or(
            destination.offered_protocol.value_or(protocol::BinaryProtocol::v1));
        connect_scheduled_ = destination.scheduled;
        WebSocketTarget target{url.host, deploy::host_header(url), target_of(url)};
        ws_.set_option(
            websocket::stream_base::decorator([headers = protocol::websocket_request_headers(
                                                   identity.mac, identity.client_id, version_,
                                                   token)](websocket::request_type& request) {
                for (const auto& [name, value] : headers) request.set(name, value);
            }));
        auto resolver = std::make_shared<tcp::resolver>(executor_);
        beast::get_lowest_layer(ws_).expires_after(options_.connect_timeout);
        resolver->async_resolve(url.host, std::to_string(url.port),
                                [self = shared_from_this(), resolver, target = std::move(target)](
                                    error_code ec, tcp::resolver::results_type results) mutable {
                                    if (self->finished_) return;
                                    if (ec) return self->fail("resolve_failed");
                                    beast::get_lowest_layer(self->ws_).async_connect(
                                        results, [self, target = std::move(target)](
                                                     error_code ec, const tcp::endpoint&) mutable {
                                            self->on_connected(ec, std::move(target));
                                        });
                                });
    }

  private:
    enum class Deadline { none, hello, reply };

    void on_connected(const error_code& ec, WebSocketTarget target) {
        if (finished_) return;
        if (ec) return fail(connect_error_class(ec, ""));
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
        if constexpr (is_tls<Transport>) {
            beast::get_lowest_layer(ws_).expires_after(options_.connect_timeout);
            client::prepare_tls_stream(ws_.next_layer(), target.host,
                                       client::TlsTrust{options_.ca_file, options_.insecure});
            ws_.next_layer().async_handshake(
                ssl::stream_base::client,
                [self = shared_from_this(), target = std::move(target), started = Clock::now()](
                    error_code ec) mutable { self->on_tls_done(ec, std::move(target), started); });
        } else {
            upgrade(target);
        }
    }

    void on_tls_done(const error_code& ec, const WebSocketTarget& target,
                     Clock::time_point started) {
        if (finished_) return;
        if (ec) {
            const TlsError error = tls_error(ws_.next_layer(), ec, "", target.host_header);
            return fail(error.error_class, error.reason);
        }
        stats().record(Latency::tls_handshake, micros_since(started, Clock::now()));
        upgrade(target);
    }

    void upgrade(const WebSocketTarget& target) {
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = options_.connect_timeout;
        timeout.idle_timeout = websocket::stream_base::none();
        timeout.keep_alive_pings = false;
        ws_.set_option(timeout);
        ws_.write_buffer_bytes(kWriteBuffer);
        ws_.read_message_max(kMaxMessage);
        upgrade_ = std::make_unique<websocket::response_type>();
        ws_.async_handshake(*upgrade_, target.host_header, target.target,
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

    void fail(const std::string& error_class, const std::string& reason = {}) {
        if (finished_) return;
        finished_ = true;
        count_failure(stats(), error_class, reason);
        cancel_timers();
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
    Executor executor_;  // of an io_context run by one thread: no strand needed
    websocket::stream<Transport> ws_;
    asio::steady_timer timer_;     // uplink pacing and the pause between turns
    asio::steady_timer deadline_;  // hello and reply timeouts
    DeviceRandom random_;
    std::unique_ptr<websocket::response_type> upgrade_;
    beast::flat_buffer buffer_;
    std::vector<Outgoing> outgoing_;
    std::array<std::uint8_t, protocol::kMaxFrameHeaderSize> header_{};
    TurnEcho echo_;
    std::optional<audio::OpusFrameDecoder> decoder_;
    std::vector<std::int16_t> pcm_;
    std::string session_id_;

    protocol::BinaryProtocol version_ = protocol::BinaryProtocol::v1;
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

// Starts the WebSocket session of a device that booted: over TLS for a wss:// URL.
void connect_device(const Executor& executor, const SimulationContext& context,
                    const DeviceStart& start, const Destination& destination) {
    const auto url = deploy::parse_url(destination.url);
    if (!url || (url->scheme != "ws" && url->scheme != "wss")) {
        return count_failure(context.stats, "bad_websocket_url", {});
    }
    if (url->scheme == "ws") {
        std::make_shared<SimulatedDevice<PlainTransport>>(executor, context, start, nullptr)
            ->connect(*url, start.identity, destination);
        return;
    }
    ssl::context* tls = tls_context_for(context, "");
    if (tls == nullptr) return;
    std::make_shared<SimulatedDevice<TlsTransport>>(executor, context, start, tls)
        ->connect(*url, start.identity, destination);
}

// Boots a device: the OTA request (over TLS for an https:// URL), or straight to --ws.
void boot_device(const Executor& executor, const SimulationContext& context, DeviceStart start) {
    const SimulationOptions& options = context.options;
    if (options.ota_url.empty()) {
        const Destination destination{options.ws_url, options.token, std::nullopt, start.scheduled};
        return connect_device(executor, context, start, destination);
    }
    const auto url = deploy::parse_url(options.ota_url);
    if (!url) return count_failure(context.stats, "ota_bad_url", {});
    if (url->scheme != "https") {
        std::make_shared<OtaBoot<PlainTransport>>(executor, context, std::move(start), nullptr)
            ->run(*url);
        return;
    }
    ssl::context* tls = tls_context_for(context, "ota_");
    if (tls == nullptr) return;
    std::make_shared<OtaBoot<TlsTransport>>(executor, context, std::move(start), tls)->run(*url);
}

}  // namespace

void start_device(asio::io_context& io, const SimulationContext& context, std::uint32_t index,
                  Clock::time_point scheduled) {
    asio::post(io.get_executor(), [executor = io.get_executor(), &context, index, scheduled] {
        context.stats.add(Counter::devices_started);
        boot_device(
            executor, context,
            DeviceStart{index, make_device_identity(context.options.seed, index), scheduled});
    });
}

}  // namespace xiaozhi::simulator
