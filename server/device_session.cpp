// The device WebSocket session (the one Beast WebSocket unit): upgrade, hello, turns, paced
// replies.
#include "device_session.hpp"

#include <array>
#include <bit>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "conversation_backend.hpp"
#include "deadline_sweep.hpp"
#include "device_handshake.hpp"
#include "echo_backend.hpp"
#include "exact_allocation.hpp"
#include "log_event.hpp"
#include "protocol/binary_frame.hpp"
#include "protocol/device_message.hpp"
#include "protocol/server_message.hpp"
#include "relay/relay_session.hpp"
#include "send_queue.hpp"
#include "session_admission.hpp"
#include "session_id.hpp"
#include "upgrade_rejection.hpp"

namespace xiaozhi::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

// How long a close handshake may take before the socket is closed regardless.
constexpr auto kCloseGrace = std::chrono::seconds(2);
// Beast's time limit of answering the WebSocket upgrade and of the close handshake.
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
// A read buffer that grew beyond this for one large message is given back afterwards, and
// outside listen turns any read buffer is.
constexpr std::size_t kKeptReadBuffer = 2048;

HttpRequest plain_head(const UpgradeRequest& request) {
    HttpRequest head;
    head.method = std::string(request.method_string());
    head.target = std::string(request.target());
    const std::size_t question = head.target.find('?');
    head.path = head.target.substr(0, question);
    if (question != std::string::npos) head.query = head.target.substr(question + 1);
    for (const auto& field : request) {
        head.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    return head;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The reply being played: each packet is due at `start` plus its own offset.
struct Playback {
    Playback(const ConnectionExecutor& executor, std::shared_ptr<const Reply> played)
        : timer(executor), reply(std::move(played)), start(Clock::now()) {}

    ConnectionTimer timer;  // the next packet
    std::shared_ptr<const Reply> reply;
    std::size_t next = 0;
    Clock::time_point start;
};

// Stream: ConnectionSocket (ws://) or TlsStream (wss://). With server.backend = "relay" the
// connection goes to a relayed session once the handshake checks pass.
template <typename Stream>
class DeviceSession final : public ClosableSession,
                            public DeadlineOwner,
                            public std::enable_shared_from_this<DeviceSession<Stream>> {
    using std::enable_shared_from_this<DeviceSession<Stream>>::shared_from_this;
    using std::enable_shared_from_this<DeviceSession<Stream>>::weak_from_this;

    // The latency being measured: the upgrade from the session's start, the hello answer,
    // the first reply frame.
    enum class Timing : std::uint8_t { none, upgrade, hello, first_reply };

  public:
    DeviceSession(Stream stream, ConnectionSlot slot, const ServerServices& services)
        : services_(services),
          slot_(std::move(slot)),
          config_(services.control.current()),
          ws_(std::move(stream)),
          deadline_(ws_.get_executor().context()),
          queue_(config_->settings.send_queue_limit) {
        error_code ec;
        const auto endpoint = tcp_socket().remote_endpoint(ec);
        if (!ec) peer_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    }

    ~DeviceSession() override {
        if (registry_id_ != 0) services_.sessions.remove(registry_id_);
        if (counted_) {
            services_.metrics.session_ended(state_);
            log_info("session_ended", "session ended",
                     {{"device", identity_.device_id},
                      {"session", session_id_},
                      {"peer", peer_},
                      {"frames_in", frames_in_},
                      {"frames_out", frames_out_}});
        }
    }

    void start(UpgradeRequest request, std::string early_bytes) {
        const HttpRequest head = plain_head(request);
        HandshakeDecision decision = decide_handshake(head, settings(), unix_now());
        identity_ = decision.identity;
        version_ = decision.version;
        switch (decision.outcome) {
            case HandshakeOutcome::reject:
                services_.metrics.handshake_failures.add(decision.reason);
                log_warn("websocket_rejected", "websocket rejected",
                         {{"peer", peer_},
                          {"path", head.path},
                          {"status", decision.status},
                          {"reason", decision.reason},
                          {"detail", decision.detail}});
                send_rejection(request.version(), rejection_response(decision));
                return;
            case HandshakeOutcome::no_device_id:
                services_.metrics.handshake_failures.add("no_device_id");
                log_warn("websocket_no_device_id", "websocket without device id",
                         {{"peer", peer_}, {"path", head.path}});
                notice_only_ = true;
                accept(std::move(request), std::move(early_bytes));
                return;
            case HandshakeOutcome::accept:
                break;
        }
        if (settings().backend == ServerSettings::Backend::relay) {
            RelayStart relayed{head,
                               request.version(),
                               identity_,
                               static_cast<int>(version_),
                               std::move(early_bytes),
                               unix_now()};
            start_relay_session(std::move(ws_.next_layer()), std::move(relayed), std::move(slot_),
                                services_);
            return;
        }
        registry_id_ = admit_session(services_, weak_from_this(), settings().max_connections, peer_,
                                     identity_.device_id);
        if (registry_id_ == 0) {
            send_rejection(request.version(), too_many_connections_response());
            return;
        }
        counted_ = true;
        services_.metrics.session_started(state_);
        accept(std::move(request), std::move(early_bytes));
    }

    void close_going_away() override {
        net::post(ws_.get_executor(), [self = shared_from_this()] {
            if (!self->accepted_) {
                self->shutdown_requested_ = true;
                return;
            }
            self->close(websocket::close_code::going_away, "shutdown");
        });
    }

  private:
    const ServerSettings& settings() const { return config_->settings; }

    // --- Rejections before the upgrade ---

    // The socket leaves the session (which then ends) for the time-limited HTTP answer.
    void send_rejection(unsigned http_version, const HttpResponse& plain) {
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            reject_upgrade(std::move(ws_.next_layer()), std::move(slot_), http_version, plain);
        } else {
            reject_upgrade(ConnectionStream(std::move(ws_.next_layer())), std::move(slot_),
                           http_version, plain);
        }
    }

    ConnectionSocket& tcp_socket() { return beast::get_lowest_layer(ws_); }

    // --- Upgrade ---

    void accept(UpgradeRequest request, std::string early_bytes) {
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = kHandshakeTimeout;
        // Beast pings after half the idle timeout without traffic and closes after all of it.
        timeout.idle_timeout =
            settings().websocket_ping
                ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      2 * settings().websocket_ping_interval)
                : websocket::stream_base::none();
        timeout.keep_alive_pings = settings().websocket_ping;
        ws_.set_option(timeout);
        ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
            response.set(http::field::server, "xiaozhi");
        }));
        ws_.read_message_max(settings().max_message_size);
        ws_.auto_fragment(false);
        ws_.write_buffer_bytes(256);
        if (!early_bytes.empty()) {
            accept_with_early_bytes(request, early_bytes);
            return;
        }
        // The request lives in the handler until the upgrade is answered.
        auto held = std::make_unique<UpgradeRequest>(std::move(request));
        const UpgradeRequest& upgrade = *held;
        ws_.async_accept(upgrade, [self = shared_from_this(),
                                   held = std::move(held)](error_code ec) { self->on_accept(ec); });
    }

    // Beast takes bytes read ahead only with the request as text: it copies both into its read
    // buffer before async_accept returns (1.5 KiB; more is a failed upgrade), parses the
    // request again, and reads the rest first.
    void accept_with_early_bytes(const UpgradeRequest& request, const std::string& early_bytes) {
        std::ostringstream text;
        text << request << early_bytes;
        const std::string bytes = text.str();
        ws_.async_accept(net::buffer(bytes),
                         [self = shared_from_this()](error_code ec) { self->on_accept(ec); });
    }

    void on_accept(error_code ec) {
        if (timing_ == Timing::upgrade) {
            if (!ec) services_.metrics.websocket_upgrade.observe(Clock::now() - timed_since_);
            timing_ = Timing::none;
        }
        if (ec) {
            services_.metrics.handshake_failures.add("upgrade_failed");
            log_warn("websocket_upgrade_failed", "websocket upgrade failed",
                     {{"peer", peer_}, {"device", identity_.device_id}, {"error", ec.message()}});
            return;
        }
        accepted_ = true;
        if (notice_only_) {
            send_notice();
            return;
        }
        log_info("websocket_connected", "websocket connected",
                 {{"peer", peer_},
                  {"device", identity_.device_id},
                  {"client", identity_.client_id},
                  {"protocol", static_cast<int>(version_)}});
        if (shutdown_requested_) {
            close(websocket::close_code::going_away, "shutdown");
            return;
        }
        arm_deadline(Clock::now() + settings().hello_timeout);
        read_next();
    }

    // The reference's answer to a connection without a device id: one text frame, then close.
    void send_notice() {
        ws_.text(true);
        ws_.async_write(net::buffer(kNoDeviceIdNotice.data(), kNoDeviceIdNotice.size()),
                        [self = shared_from_this()](error_code ec, std::size_t) {
                            if (ec) return;
                            self->ws_.async_close(websocket::close_code::normal,
                                                  [self](error_code) {});
                        });
    }

    // --- Reading ---

    // During a listen turn a message is read into the kept buffer. Otherwise the session
    // waits for the first byte of the next message with no buffer at all, and the buffer
    // (which Beast sizes at 1.5 KiB before any byte arrives) only exists while it fills.
    void read_next() {
        if (backend_ && backend_->in_turn()) {
            read_message();
            return;
        }
        ws_.async_read_some(net::buffer(&first_byte_, 1),
                            exactly_allocated(beast::bind_front_handler(
                                &DeviceSession::on_message_start, shared_from_this())));
    }

    void on_message_start(error_code ec, std::size_t bytes) {
        if (ec) {
            on_read_end(ec);
            return;
        }
        buffer_.commit(net::buffer_copy(buffer_.prepare(bytes), net::buffer(&first_byte_, bytes)));
        if (ws_.is_message_done()) {
            on_read(ec, 0);
            return;
        }
        read_message();
    }

    void read_message() {
        ws_.async_read(buffer_,
                       beast::bind_front_handler(&DeviceSession::on_read, shared_from_this()));
    }

    void on_read(error_code ec, std::size_t) {
        if (ec) {
            on_read_end(ec);
            return;
        }
        services_.metrics.bytes_received.fetch_add(buffer_.size(), std::memory_order_relaxed);
        if (!closing_) {
            const auto data = buffer_.data();
            const std::span<const std::uint8_t> message(
                static_cast<const std::uint8_t*>(data.data()), data.size());
            try {
                if (ws_.got_text()) {
                    handle_text(std::string_view(reinterpret_cast<const char*>(message.data()),
                                                 message.size()));
                } else {
                    handle_binary(message);
                }
            } catch (const std::exception& error) {
                log_error("session_message_failed", "session message failed",
                          {{"device", identity_.device_id},
                           {"session", session_id_},
                           {"error", error.what()}});
                close(websocket::close_code::internal_error, "internal_error");
            }
        }
        buffer_.consume(buffer_.size());
        if (buffer_.capacity() > kKeptReadBuffer || !backend_ || !backend_->in_turn()) {
            buffer_.shrink_to_fit();
        }
        read_next();
    }

    void on_read_end(error_code ec) {
        deadline_.cancel();
        if (playing_) playing_->timer.cancel();
        if (closing_) return;
        closing_ = true;
        const char* reason = "error";
        if (ec == websocket::error::closed) {
            reason = "client";
        } else if (ec == websocket::error::message_too_big) {
            reason = "too_big";
        } else if (ec == beast::error::timeout) {
            reason = "timeout";
        }
        services_.metrics.session_closes.add(reason);
        log_info("session_closed", "session closed",
                 {{"device", identity_.device_id},
                  {"session", session_id_},
                  {"reason", reason},
                  {"code", static_cast<int>(ws_.reason().code)},
                  {"error", ec.message()}});
        close_socket();
    }

    // --- Text messages ---

    void handle_text(std::string_view text) {
        protocol::DeviceMessage message = protocol::parse_device_message(text);
        if (auto* hello = std::get_if<protocol::DeviceHello>(&message)) {
            on_hello(*hello);
        } else if (!hello_done_) {
            ignore_text("before_hello", "a message before hello");
        } else if (auto* listen = std::get_if<protocol::ListenMessage>(&message)) {
            on_listen(*listen);
        } else if (auto* abort = std::get_if<protocol::AbortMessage>(&message)) {
            log_info("abort", "abort",
                     {{"device", identity_.device_id},
                      {"session", session_id_},
                      {"reason", abort->reason}});
            if (backend_) backend_->abort();
            stop_playback();
            update_state();
        } else if (auto* mcp = std::get_if<protocol::DeviceMcpMessage>(&message)) {
            log_info("mcp_ignored", "mcp message ignored",
                     {{"device", identity_.device_id},
                      {"session", session_id_},
                      {"payload", mcp->payload.dump().substr(0, 200)}});
        } else if (std::holds_alternative<protocol::IotMessage>(message)) {
            log_debug("iot_ignored", "iot message ignored",
                      {{"device", identity_.device_id}, {"session", session_id_}});
        } else if (auto* unknown = std::get_if<protocol::UnknownTypeMessage>(&message)) {
            ignore_text("unknown_type", "type " + unknown->type);
        } else if (auto* malformed = std::get_if<protocol::MalformedMessage>(&message)) {
            ignore_text("malformed", malformed->error);
        }
    }

    void ignore_text(const char* reason, const std::string& detail) {
        services_.metrics.text_ignored.add(reason);
        log_warn("text_ignored", "text frame ignored",
                 {{"device", identity_.device_id},
                  {"session", session_id_},
                  {"reason", reason},
                  {"detail", detail}});
    }

    void on_hello(const protocol::DeviceHello& hello) {
        if (hello.audio_params) {
            if (const auto problem = protocol::find_audio_params_problem(*hello.audio_params)) {
                services_.metrics.handshake_failures.add("audio_params");
                log_warn("hello_refused", "hello refused",
                         {{"device", identity_.device_id},
                          {"peer", peer_},
                          {"reason", "audio_params"},
                          {"detail", problem->message}});
                close(websocket::close_code::unknown_data, "audio_params",
                      "audio_params: " + problem->message);
                return;
            }
        }
        if (!hello_done_) {
            hello_done_ = true;
            session_id_ = make_session_id();
            transcode_ = settings().echo_transcode;
            move_state(SessionState::idle);
            touch();
            arm_deadline(idle_deadline_);
        }
        log_info("hello", "hello",
                 {{"device", identity_.device_id},
                  {"session", session_id_},
                  {"version", hello.version},
                  {"transport", hello.transport},
                  {"protocol", static_cast<int>(version_)}});
        // Timed when nothing else is queued: the next text written is this answer.
        if (!writing_ && queue_.empty()) start_timing(Timing::hello);
        enqueue_text(protocol::to_text(
            protocol::ServerHello{session_id_, "websocket", settings().audio_params}));
    }

    // Made at a turn's `listen start`; an idle session has none (see update_state).
    std::unique_ptr<ConversationBackend> make_backend() {
        EchoSettings echo;
        echo.downlink = settings().audio_params;
        echo.transcode = transcode_;
        echo.max_turn_bytes = settings().max_turn_bytes;
        echo.max_turn_time = settings().max_turn_time;
        try {
            return std::make_unique<EchoBackend>(echo);
        } catch (const std::exception& error) {
            log_warn("transcoding_off", "echo transcoding off",
                     {{"device", identity_.device_id}, {"error", error.what()}});
            transcode_ = false;
            echo.transcode = false;
            return std::make_unique<EchoBackend>(echo);
        }
    }

    void on_listen(const protocol::ListenMessage& listen) {
        touch();
        switch (listen.state) {
            case protocol::ListenState::start: {
                const auto mode = listen.mode.value_or(protocol::ListenMode::auto_stop);
                log_debug("listen_start", "listen start",
                          {{"device", identity_.device_id},
                           {"session", session_id_},
                           {"mode", protocol::listen_mode_name(mode)}});
                if (!backend_) backend_ = make_backend();
                backend_->listen_start(mode);
                break;
            }
            case protocol::ListenState::stop:
                if (backend_) deliver(backend_->end_of_utterance());
                break;
            case protocol::ListenState::detect:
                log_info("wake_word", "wake word",
                         {{"device", identity_.device_id},
                          {"session", session_id_},
                          {"text", listen.text}});
                break;
        }
        update_state();
    }

    // --- Binary frames ---

    void handle_binary(std::span<const std::uint8_t> message) {
        services_.metrics.frames_received.fetch_add(1, std::memory_order_relaxed);
        ++frames_in_;
        if (!hello_done_) {
            drop_frame("before_hello");
            return;
        }
        const protocol::FrameDecodeResult decoded = protocol::decode_frame(version_, message);
        if (!decoded.ok()) {
            drop_frame(std::string(protocol::frame_error_name(*decoded.error)));
            return;
        }
        touch();
        const protocol::DecodedFrame& frame = decoded.frame;
        if (frame.type == protocol::PayloadType::json) {
            handle_text(std::string_view(reinterpret_cast<const char*>(frame.payload.data()),
                                         frame.payload.size()));
            return;
        }
        // Without a backend no turn is open, and audio is ignored.
        if (backend_) {
            deliver(frame.is_end_of_utterance() ? backend_->end_of_utterance()
                                                : backend_->audio(frame.payload));
        }
        update_state();
    }

    void drop_frame(const std::string& reason) {
        services_.metrics.bad_frames.add(reason);
        ++bad_frames_;
        if (bad_frames_ <= 3 || std::has_single_bit(bad_frames_)) {
            log_warn("binary_dropped", "binary frame dropped",
                     {{"device", identity_.device_id},
                      {"session", session_id_},
                      {"reason", reason},
                      {"count", bad_frames_}});
        }
    }

    // --- Replies ---

    void deliver(std::shared_ptr<const Reply> reply) {
        if (!reply) return;
        stop_playback();
        log_info("reply", "reply",
                 {{"device", identity_.device_id},
                  {"session", session_id_},
                  {"packets", reply->packets.size()},
                  {"duration_ms", reply->duration_ms},
                  {"ended_by", reply->ended_by},
                  {"stt", reply->stt_text}});
        enqueue_text(protocol::to_text(protocol::SttMessage{session_id_, reply->stt_text}));
        enqueue_text(
            protocol::to_text(protocol::TtsMessage{session_id_, protocol::TtsState::start, ""}));
        enqueue_text(protocol::to_text(protocol::TtsMessage{
            session_id_, protocol::TtsState::sentence_start, reply->sentence_text}));
        if (closing_) return;
        start_timing(Timing::first_reply);
        playing_ = std::make_unique<Playback>(ws_.get_executor(), std::move(reply));
        ++play_generation_;
        schedule_packet();
    }

    // Each packet is due at the reply's start plus its own offset, so timer latency
    // never accumulates.
    void schedule_packet() {
        const auto& packets = playing_->reply->packets;
        if (playing_->next >= packets.size()) {
            playing_.reset();
            enqueue_text(
                protocol::to_text(protocol::TtsMessage{session_id_, protocol::TtsState::stop, ""}));
            touch();
            update_state();
            return;
        }
        playing_->timer.expires_at(playing_->start +
                                   std::chrono::milliseconds(packets[playing_->next].start_ms));
        playing_->timer.async_wait([self = shared_from_this(), generation = play_generation_](
                                       error_code ec) { self->on_pace(ec, generation); });
    }

    void on_pace(error_code ec, std::uint64_t generation) {
        if (ec || generation != play_generation_ || !playing_ || closing_) return;
        services_.metrics.reply_lateness.observe(Clock::now() - playing_->timer.expiry());
        const std::size_t packet = playing_->next++;
        enqueue(Outgoing{{}, playing_->reply, packet});
        if (!closing_) schedule_packet();
    }

    // Stops the reply being played (its queued frames are dropped) and tells the device.
    void stop_playback() {
        if (!playing_) return;
        ++play_generation_;
        playing_.reset();
        queue_.drop_audio();
        enqueue_text(
            protocol::to_text(protocol::TtsMessage{session_id_, protocol::TtsState::stop, ""}));
    }

    // --- Writing ---

    void enqueue_text(std::string text) { enqueue(Outgoing{std::move(text), nullptr, 0}); }

    void enqueue(Outgoing item) {
        if (closing_) return;
        if (!queue_.push(std::move(item))) {
            close(websocket::close_code::policy_error, "slow_reader");
            return;
        }
        write_next();
    }

    void write_next() {
        if (writing_ || queue_.empty()) return;
        in_flight_ = queue_.pop();
        writing_ = true;
        auto handler = beast::bind_front_handler(&DeviceSession::on_write, shared_from_this());
        if (!in_flight_.reply) {
            ws_.text(true);
            ws_.async_write(net::buffer(in_flight_.text), std::move(handler));
            return;
        }
        const ReplyPacket& packet = in_flight_.reply->packets[in_flight_.packet];
        const auto header_size = protocol::write_frame_header(
            version_, protocol::PayloadType::opus, static_cast<std::uint32_t>(packet.start_ms),
            packet.opus.size(), header_);
        if (!header_size) {
            writing_ = false;
            drop_frame("reply_too_large");
            in_flight_ = {};
            write_next();
            return;
        }
        const std::array<net::const_buffer, 2> frame{net::buffer(header_.data(), *header_size),
                                                     net::buffer(packet.opus)};
        ws_.binary(true);
        ws_.async_write(frame, std::move(handler));
    }

    void on_write(error_code ec, std::size_t bytes) {
        writing_ = false;
        // Moved out rather than assigned over: an assigned empty string keeps the text's buffer,
        // some 270 bytes of hello answer for as long as an idle session lives.
        const Outgoing written = std::move(in_flight_);
        const bool binary = written.reply != nullptr;
        if (ec) {
            if (!closing_) {
                closing_ = true;
                services_.metrics.session_closes.add("write_error");
                log_info("session_closed", "session closed",
                         {{"device", identity_.device_id},
                          {"session", session_id_},
                          {"reason", "write_error"},
                          {"error", ec.message()}});
            }
            deadline_.cancel();
            if (playing_) playing_->timer.cancel();
            close_socket();
            return;
        }
        services_.metrics.bytes_sent.fetch_add(bytes, std::memory_order_relaxed);
        if (timing_ == (binary ? Timing::first_reply : Timing::hello)) {
            (binary ? services_.metrics.first_reply : services_.metrics.hello)
                .observe(Clock::now() - timed_since_);
            timing_ = Timing::none;
        }
        if (binary) {
            services_.metrics.frames_sent.fetch_add(1, std::memory_order_relaxed);
            ++frames_out_;
        }
        if (!playing_) queue_.release_if_empty();
        write_next();
    }

    // --- Closing and timers ---

    void start_timing(Timing what) {
        timing_ = what;
        timed_since_ = Clock::now();
    }

    // Closes with `code`; `reason` names it in logs and metrics, `description` (if any)
    // travels in the close frame for the device's log (at most 123 bytes).
    void close(websocket::close_code code, const char* reason, std::string description = {}) {
        if (closing_) return;
        closing_ = true;
        services_.metrics.session_closes.add(reason);
        log_info("session_closing", "session closing",
                 {{"device", identity_.device_id},
                  {"session", session_id_},
                  {"reason", reason},
                  {"code", static_cast<int>(code)}});
        ++play_generation_;
        playing_.reset();
        queue_.clear();
        arm_deadline(Clock::now() + kCloseGrace);
        if (description.size() > 123) description.resize(123);
        websocket::close_reason frame(code);
        frame.reason = std::move(description);
        ws_.async_close(frame, [self = shared_from_this()](error_code ec) {
            if (ec) {
                log_debug("close_handshake_failed", "close handshake failed",
                          {{"device", self->identity_.device_id}, {"error", ec.message()}});
            }
            self->deadline_.cancel();
        });
    }

    void close_socket() {
        error_code ignored;
        tcp_socket().close(ignored);
    }

    // Voice or a listen message: the idle close moves away.
    void touch() { idle_deadline_ = Clock::now() + settings().idle_timeout; }

    void arm_deadline(Clock::time_point when) { deadline_.arm(when, weak_from_this()); }

    void on_deadline() override {
        if (closing_) {
            log_info("close_handshake_timeout", "close handshake timed out",
                     {{"device", identity_.device_id}, {"session", session_id_}});
            close_socket();
            return;
        }
        if (!hello_done_) {
            services_.metrics.handshake_failures.add("hello_timeout");
            close(websocket::close_code::policy_error, "hello_timeout");
            return;
        }
        const auto now = Clock::now();
        if (playing_) {
            arm_deadline(now + settings().idle_timeout);
        } else if (now < idle_deadline_) {
            arm_deadline(idle_deadline_);
        } else {
            close(websocket::close_code::normal, "idle");
        }
    }

    void move_state(SessionState state) {
        if (counted_) services_.metrics.move_session(state_, state);
        state_ = state;
    }

    // An idle session also gives its backend back; the next `listen start` makes another.
    void update_state() {
        if (!hello_done_) return;
        if (playing_) {
            move_state(SessionState::speaking);
        } else if (backend_ && backend_->in_turn()) {
            move_state(SessionState::listening);
        } else {
            move_state(SessionState::idle);
            backend_.reset();
        }
    }

    const ServerServices& services_;  // owned by the server, which outlives its sessions
    ConnectionSlot slot_;             // of server.max_connections, released after ws_ closes
    std::shared_ptr<const RunningConfig> config_;
    websocket::stream<Stream, false> ws_;
    beast::flat_buffer buffer_;
    std::uint8_t first_byte_ = 0;  // of a message read while idle
    SweptDeadline deadline_;       // hello, idle, then the close grace
    Clock::time_point idle_deadline_{};

    std::string peer_;
    DeviceIdentity identity_;
    protocol::BinaryProtocol version_ = protocol::BinaryProtocol::v1;
    std::string session_id_;
    bool transcode_ = false;  // echo_transcode, until Opus refuses the downlink
    std::unique_ptr<ConversationBackend> backend_;
    std::uint64_t registry_id_ = 0;
    SessionState state_ = SessionState::handshake;
    bool counted_ = false;
    bool notice_only_ = false;
    bool accepted_ = false;
    bool shutdown_requested_ = false;
    bool hello_done_ = false;
    bool closing_ = false;
    // One latency measured at a time: what it is and when it began.
    Timing timing_ = Timing::upgrade;
    Clock::time_point timed_since_ = Clock::now();

    SendQueue queue_;  // waiting messages; the one being written is in_flight_
    Outgoing in_flight_;
    bool writing_ = false;
    std::array<std::uint8_t, protocol::kMaxFrameHeaderSize> header_{};

    std::unique_ptr<Playback> playing_;
    std::uint64_t play_generation_ = 0;

    std::uint64_t frames_in_ = 0;
    std::uint64_t frames_out_ = 0;
    std::uint64_t bad_frames_ = 0;
};

}  // namespace

namespace {

template <typename Stream>
void start_session(Stream stream, UpgradeRequest request, std::string early_bytes,
                   ConnectionSlot slot, const ServerServices& services) {
    try {
        std::make_shared<DeviceSession<Stream>>(std::move(stream), std::move(slot), services)
            ->start(std::move(request), std::move(early_bytes));
    } catch (const std::exception& error) {
        log_error("session_start_failed", "device session failed to start",
                  {{"error", error.what()}});
    }
}

}  // namespace

void start_device_session(ConnectionStream stream, UpgradeRequest request, std::string early_bytes,
                          ConnectionSlot slot, const ServerServices& services) {
    start_session(stream.release_socket(), std::move(request), std::move(early_bytes),
                  std::move(slot), services);
}

void start_device_session(TlsStream stream, UpgradeRequest request, std::string early_bytes,
                          ConnectionSlot slot, const ServerServices& services) {
    start_session(std::move(stream), std::move(request), std::move(early_bytes), std::move(slot),
                  services);
}

}  // namespace xiaozhi::server
