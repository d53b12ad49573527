// RelaySession: two pipes (device -> upstream, upstream -> device) over plain or TLS streams.
#include "relay/relay_session.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "deadline_sweep.hpp"
#include "log_event.hpp"
#include "protocol/device_message.hpp"
#include "protocol/server_message.hpp"
#include "protocol/websocket_key.hpp"
#include "relay/drained_wait.hpp"
#include "relay/upstream_dial.hpp"
#include "relay/upstream_pool.hpp"
#include "relay/upstream_request.hpp"
#include "relay/websocket_frames.hpp"
#include "relay/websocket_scanner.hpp"
#include "session_admission.hpp"
#include "upgrade_rejection.hpp"

namespace xiaozhi::server {

namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;
using Bytes = std::span<const std::uint8_t>;

// How long a close handshake may take before the sockets are closed regardless.
constexpr auto kCloseGrace = std::chrono::seconds(2);
// How long writing the 101 answer may take.
constexpr auto kUpgradeTimeout = std::chrono::seconds(10);
// Bytes of upstream frames a device may leave unread before it is closed as a slow reader
// (besides server.send_queue_limit messages).
constexpr std::size_t kRelayQueueBytes = 256 * 1024;
// One read of a plain socket; the bytes are written on or copied before the next read.
constexpr std::size_t kScratchBytes = 64 * 1024;
// One read of what OpenSSL decrypted already, after the record's first byte.
constexpr std::size_t kTlsReadBytes = 16 * 1024;
// A write buffer above this is given back once written.
constexpr std::size_t kKeptWriteBuffer = 64 * 1024;

// The read buffer of plain sockets, shared by the sessions of a thread: a read is written
// on or copied before the thread's next read.
std::span<std::uint8_t> scratch() {
    thread_local std::vector<std::uint8_t> bytes(kScratchBytes);
    return bytes;
}

Bytes bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

template <typename Stream>
constexpr bool kPlain = std::is_same_v<Stream, ConnectionSocket>;

// One direction: what its source sent, scanned, and what waits for its destination.
// Stream offsets count the source's bytes: [written, handed) is being written, [handed,
// read) waits in `pending`.
struct Pipe {
    Pipe(bool from_client, std::uint64_t max_message_size)
        : scanner(from_client, max_message_size) {}

    relay::WebSocketScanner scanner;
    std::string pending;
    std::string writing;
    std::uint64_t read = 0;
    std::uint64_t handed = 0;
    std::uint64_t written = 0;
    std::uint64_t frame_end = 0;             // just past the last whole frame read
    std::vector<std::uint64_t> queued_ends;  // of messages not written yet (device-bound only)
    bool waiting = false;                    // a wait or read on the source is outstanding
    bool write_busy = false;
    bool ended = false;              // the source ended (or failed)
    bool forwarding = true;          // false once serve wrote its own close frame this way
    bool close_seen = false;         // the source sent a close frame, which went on
    bool close_after_write = false;  // the destination is closed once everything is written
    bool maybe_more = false;         // a plain source's last read filled the buffer
    std::uint8_t first_byte = 0;     // a TLS source's read of one byte
    std::unique_ptr<std::uint8_t[]> tls_bytes;  // the rest of its record, while it is handled
};

template <typename Device>
class RelaySession final : public ClosableSession,
                           public DeadlineOwner,
                           public RelayedSession,
                           public std::enable_shared_from_this<RelaySession<Device>> {
    using std::enable_shared_from_this<RelaySession<Device>>::shared_from_this;
    using std::enable_shared_from_this<RelaySession<Device>>::weak_from_this;

  public:
    RelaySession(Device device, ConnectionSlot slot, const ServerServices& services)
        : services_(services),
          slot_(std::move(slot)),
          config_(services.control.current()),
          device_(std::move(device)),
          deadline_(device_.get_executor().context()),
          up_(true, config_->settings.max_message_size),
          down_(false, config_->settings.max_message_size) {
        error_code ec;
        const auto endpoint = device_.lowest_layer().remote_endpoint(ec);
        if (!ec) {
            peer_address_ = endpoint.address().to_string();
            peer_ = peer_address_ + ":" + std::to_string(endpoint.port());
        }
        down_.scanner.record_message_ends(true);
    }

    ~RelaySession() override {
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

    void start(RelayStart start) {
        identity_ = std::move(start.identity);
        protocol_ = start.protocol;
        signed_at_ = start.unix_time;
        const std::string key = start.head.header("sec-websocket-key");
        const std::string version = start.head.header("sec-websocket-version");
        if (key.empty() || version != "13") {
            HttpResponse refusal =
                key.empty() ? json_response(400, R"({"error":"no Sec-WebSocket-Key"})")
                            : json_response(426, R"({"error":"only WebSocket version 13"})");
            if (!key.empty()) refusal.set_header("Sec-WebSocket-Version", "13");
            services_.metrics.handshake_failures.add("bad_upgrade");
            log_warn("websocket_rejected", "websocket rejected",
                     {{"peer", peer_},
                      {"path", start.head.path},
                      {"status", refusal.status},
                      {"reason", "bad_upgrade"},
                      {"detail", key.empty() ? "no Sec-WebSocket-Key" : "version " + version}});
            reject(start.http_version, refusal);
            return;
        }
        registry_id_ = admit_session(services_, weak_from_this(), settings().max_connections, peer_,
                                     identity_.device_id);
        if (registry_id_ == 0) {
            reject(start.http_version, too_many_connections_response());
            return;
        }
        counted_ = true;
        services_.metrics.session_started(state_);
        head_ = std::move(start.head);
        early_ = std::move(start.early_bytes);
        answer_ =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
            "Upgrade\r\nSec-WebSocket-Accept: " +
            protocol::websocket_accept(key) + "\r\nServer: xiaozhi\r\n\r\n";
        arm_deadline(Clock::now() + kUpgradeTimeout);
        net::async_write(
            device_, net::buffer(answer_),
            [self = shared_from_this()](error_code ec, std::size_t) { self->on_upgraded(ec); });
    }

    void close_going_away() override {
        net::post(device_.get_executor(), [self = shared_from_this()] {
            if (!self->accepted_) {
                self->shutdown_requested_ = true;
                return;
            }
            self->close_both(1001, "shutdown");
        });
    }

    void close_drained() override {
        net::post(device_.get_executor(), [self = shared_from_this()] {
            self->close_both(1001, "upstream_drained", "upstream removed from the list");
        });
    }

  private:
    const ServerSettings& settings() const { return config_->settings; }

    // --- The upgrade ---

    void reject(unsigned http_version, const HttpResponse& refusal) {
        if constexpr (kPlain<Device>) {
            reject_upgrade(ConnectionStream(std::move(device_)), std::move(slot_), http_version,
                           refusal);
        } else {
            reject_upgrade(std::move(device_), std::move(slot_), http_version, refusal);
        }
    }

    void on_upgraded(error_code ec) {
        services_.metrics.websocket_upgrade.observe(Clock::now() - started_);
        std::string().swap(answer_);
        if (ec) {
            services_.metrics.handshake_failures.add("upgrade_failed");
            log_warn("websocket_upgrade_failed", "websocket upgrade failed",
                     {{"peer", peer_}, {"device", identity_.device_id}, {"error", ec.message()}});
            close_device_socket();
            return;
        }
        accepted_ = true;
        accepted_at_ = Clock::now();
        log_info("websocket_connected", "websocket connected",
                 {{"peer", peer_},
                  {"device", identity_.device_id},
                  {"client", identity_.client_id},
                  {"protocol", protocol_}});
        if (shutdown_requested_) {
            close_both(1001, "shutdown");
            return;
        }
        if constexpr (kPlain<Device>) device_.non_blocking(true, ec);
        arm_deadline(Clock::now() + settings().hello_timeout);
        up_.scanner.keep_texts(true);
        down_.scanner.keep_texts(true);
        connect_upstream();
        if (!early_.empty()) {
            const std::string early = std::move(early_);
            early_.clear();
            on_chunk(up_, bytes_of(early));
        }
        read(up_);
    }

    // --- The upstream ---

    void connect_upstream() {
        lease_ = services_.upstreams.acquire(identity_.device_id, tried_,
                                             std::weak_ptr<RelayedSession>(shared_from_this()));
        if (!lease_) {
            services_.metrics.handshake_failures.add("no_upstream");
            log_warn("upstream_unavailable", "no healthy upstream",
                     {{"device", identity_.device_id}, {"peer", peer_}, {"tried", tried_.size()}});
            close_both(1011, "no_upstream", "no upstream available");
            return;
        }
        const UpstreamTarget& target = lease_.upstream().target();
        const auto remaining = accepted_at_ + settings().hello_timeout - Clock::now();
        const auto timeout = std::min<Clock::duration>(
            settings().upstream.connect_timeout,
            std::max<Clock::duration>(remaining, std::chrono::milliseconds(1)));
        connect_started_ = Clock::now();
        tls_ = target.parsed.scheme == "wss" ? services_.upstreams.tls_context() : nullptr;
        dial_ = dial_upstream(
            device_.get_executor(), target.parsed, tls_,
            upstream_request(head_, target.parsed.path, target.parsed.query, identity_,
                             peer_address_, settings().upstream.auth_key, signed_at_),
            timeout, [self = shared_from_this()](UpstreamDialResult result) {
                self->on_dialed(std::move(result));
            });
    }

    void on_dialed(UpstreamDialResult result) {
        dial_.reset();
        if (close_started_) return;
        Upstream& upstream = lease_.upstream();
        if (!result.connected()) {
            log_warn("upstream_connect_failed", "upstream connect failed",
                     {{"device", identity_.device_id},
                      {"upstream", upstream.url()},
                      {"refused", result.refused},
                      {"error", result.reason}});
            if (result.refused) {
                // The device's credentials or ids were refused: another upstream would too.
                upstream.failures.add("refused");
                close_both(1008, "upstream_refused", "upstream refused: " + result.reason);
                return;
            }
            services_.upstreams.record(upstream, false, "connect", result.reason);
            tried_.push_back(&upstream);
            // The lease is kept until the next one is taken, so `tried_` stays valid.
            UpstreamLease previous = std::move(lease_);
            connect_upstream();
            return;
        }
        upstream_plain_ = std::move(result.plain);
        upstream_tls_ = std::move(result.tls);
        if (upstream_plain_) {
            error_code ignored;
            upstream_plain_->non_blocking(true, ignored);
        }
        upstream_open_ = true;
        upstream.connect_latency.observe(Clock::now() - connect_started_);
        services_.upstreams.record(upstream, true);
        log_info("upstream_connected", "relayed to upstream",
                 {{"device", identity_.device_id},
                  {"peer", peer_},
                  {"upstream", upstream.url()},
                  {"attempt", tried_.size() + 1}});
        tried_.clear();
        tried_.shrink_to_fit();
        head_ = {};
        arm_idle_when_relaying();
        if (!result.early_bytes.empty()) on_chunk(down_, bytes_of(result.early_bytes));
        read(down_);
        write(up_);
        read(up_);
    }

    template <typename F>
    void with_upstream(F&& f) {
        if (upstream_plain_) {
            f(*upstream_plain_);
        } else if (upstream_tls_) {
            f(*upstream_tls_);
        }
    }

    template <typename F>
    void with_source(Pipe& pipe, F&& f) {
        if (&pipe == &up_) {
            f(device_);
        } else {
            with_upstream(std::forward<F>(f));
        }
    }

    template <typename F>
    void with_destination(Pipe& pipe, F&& f) {
        if (&pipe == &up_) {
            with_upstream(std::forward<F>(f));
        } else {
            f(device_);
        }
    }

    bool source_open(const Pipe& pipe) const {
        return &pipe == &up_ ? accepted_ && !device_closed_ : upstream_open_ && !upstream_closed_;
    }

    bool destination_open(const Pipe& pipe) const {
        return &pipe == &up_ ? upstream_open_ && !upstream_closed_ : !device_closed_;
    }

    // --- Reading ---

    // Whether the pipe reads its source now: a device's bytes wait while earlier ones are not
    // written yet (the upstream is not up, or slow); an upstream's go on into the device's queue.
    bool may_read(const Pipe& pipe) const {
        if (pipe.ended || !source_open(pipe)) return false;
        return !(&pipe == &up_ && pipe.forwarding && !pipe.pending.empty());
    }

    void read(Pipe& pipe) {
        if (pipe.waiting || !may_read(pipe)) return;
        pipe.waiting = true;
        if (pipe.maybe_more) {
            // The last read filled the buffer: the socket may hold more, and no edge will say so.
            pipe.maybe_more = false;
            net::post(device_.get_executor(), [self = shared_from_this(), &pipe] {
                pipe.waiting = false;
                self->with_source(pipe, [&](auto& source) {
                    if constexpr (kPlain<std::decay_t<decltype(source)>>) self->drain(source, pipe);
                });
            });
            return;
        }
        with_source(pipe, [&](auto& source) { read_from(source, pipe); });
    }

    // A plain socket is waited on with no buffer, then read into the thread's scratch
    // buffer until drained; a TLS stream is read one byte, then what OpenSSL decrypted with it.
    template <typename Source>
    void read_from(Source& source, Pipe& pipe) {
        if constexpr (kPlain<Source>) {
            async_wait_drained(source, [self = shared_from_this(), &source, &pipe](error_code ec) {
                pipe.waiting = false;
                if (ec) {
                    self->source_ended(pipe, ec);
                    return;
                }
                self->drain(source, pipe);
            });
        } else {
            source.async_read_some(
                net::buffer(&pipe.first_byte, 1),
                [self = shared_from_this(), &source, &pipe](error_code ec, std::size_t) {
                    self->on_first_byte(source, pipe, ec);
                });
        }
    }

    // Reads until a read returns less than the buffer (the socket is drained, as the
    // edge-triggered wait needs) or would block, or the pipe pauses.
    void drain(ConnectionSocket& source, Pipe& pipe) {
        const std::span<std::uint8_t> into = scratch();
        for (;;) {
            error_code ec;
            const std::size_t size = source.read_some(net::buffer(into.data(), into.size()), ec);
            if (ec == net::error::would_block) break;
            if (ec) {
                source_ended(pipe, ec);
                return;
            }
            on_chunk(pipe, Bytes(into.data(), size));
            if (size < into.size() || pipe.waiting) break;
            if (!may_read(pipe)) {
                pipe.maybe_more = true;
                return;
            }
        }
        read(pipe);
    }

    template <typename Source>
    void on_first_byte(Source& source, Pipe& pipe, error_code ec) {
        if (ec) {
            pipe.waiting = false;
            source_ended(pipe, ec);
            return;
        }
        const auto decrypted =
            static_cast<std::size_t>(std::max(0, SSL_pending(source.native_handle())));
        if (decrypted == 0) {
            pipe.waiting = false;
            on_chunk(pipe, Bytes(&pipe.first_byte, 1));
            read(pipe);
            return;
        }
        const std::size_t more = std::min(decrypted, kTlsReadBytes);
        pipe.tls_bytes = std::make_unique<std::uint8_t[]>(more + 1);
        pipe.tls_bytes[0] = pipe.first_byte;
        source.async_read_some(net::buffer(pipe.tls_bytes.get() + 1, more),
                               [self = shared_from_this(), &pipe](error_code ec, std::size_t size) {
                                   self->on_record(pipe, ec, size);
                               });
    }

    void on_record(Pipe& pipe, error_code ec, std::size_t size) {
        pipe.waiting = false;
        const auto bytes = std::move(pipe.tls_bytes);
        if (ec) {
            on_chunk(pipe, Bytes(bytes.get(), 1));
            source_ended(pipe, ec);
            return;
        }
        on_chunk(pipe, Bytes(bytes.get(), size + 1));
        read(pipe);
    }

    // The source's next bytes: scanned, counted, then written on (or queued, or dropped once
    // serve closes this way and only the peer's close frame is awaited).
    void on_chunk(Pipe& pipe, Bytes bytes) {
        const std::uint64_t start = pipe.read;
        relay::ScanResult scanned = pipe.scanner.scan(bytes);
        pipe.read += bytes.size();
        if (scanned.last_frame_end) pipe.frame_end = start + *scanned.last_frame_end;
        // Messages move the idle close away; pings (the reference sends them) do not.
        if (scanned.text_messages + scanned.binary_messages > 0) touch();
        if (&pipe == &up_) {
            from_device(scanned, bytes.size());
        } else {
            from_upstream(scanned);
        }
        if (!pipe.forwarding) {
            if (scanned.close || scanned.problem != relay::ScanProblem::none) close_source(pipe);
            return;
        }
        if (scanned.close && !pipe.close_seen) {
            pipe.close_seen = true;
            close_passing(pipe, *scanned.close);
        }
        const std::uint64_t queued_from = append(pipe, bytes);
        for (std::size_t end : scanned.message_ends) {
            if (start + end > queued_from) pipe.queued_ends.push_back(start + end);
        }
        if (scanned.problem != relay::ScanProblem::none) {
            scan_problem(pipe, scanned.problem);
            return;
        }
        if (&pipe == &down_ && (pipe.pending.size() + pipe.writing.size() > kRelayQueueBytes ||
                                pipe.queued_ends.size() > settings().send_queue_limit)) {
            close_both(1008, "slow_reader");
        }
    }

    void from_device(relay::ScanResult& scanned, std::size_t size) {
        services_.metrics.bytes_received.fetch_add(size, std::memory_order_relaxed);
        services_.metrics.frames_received.fetch_add(scanned.binary_messages,
                                                    std::memory_order_relaxed);
        frames_in_ += scanned.binary_messages;
        if (lease_) {
            Upstream& upstream = lease_.upstream();
            upstream.frames_up.fetch_add(scanned.text_messages + scanned.binary_messages,
                                         std::memory_order_relaxed);
            upstream.bytes_up.fetch_add(scanned.payload_bytes, std::memory_order_relaxed);
        }
        for (const std::string& text : scanned.texts) {
            if (hello_done_ || !std::holds_alternative<protocol::DeviceHello>(
                                   protocol::parse_device_message(text))) {
                continue;
            }
            hello_done_ = true;
            up_.scanner.keep_texts(false);
            touch();
            move_state(SessionState::idle);
            arm_idle_when_relaying();
        }
    }

    void from_upstream(relay::ScanResult& scanned) {
        services_.metrics.frames_sent.fetch_add(scanned.binary_messages, std::memory_order_relaxed);
        frames_out_ += scanned.binary_messages;
        Upstream& upstream = lease_.upstream();
        upstream.frames_down.fetch_add(scanned.text_messages + scanned.binary_messages,
                                       std::memory_order_relaxed);
        upstream.bytes_down.fetch_add(scanned.payload_bytes, std::memory_order_relaxed);
        if (scanned.texts.empty()) return;
        down_.scanner.keep_texts(false);
        const protocol::ServerMessage message = protocol::parse_server_message(scanned.texts[0]);
        if (const auto* hello = std::get_if<protocol::ServerHello>(&message)) {
            session_id_ = hello->session_id;
        }
    }

    // --- Writing ---

    // Hands `bytes` to the destination: written at once when it is a plain socket with room
    // and nothing queued, otherwise queued. Returns the stream offset the queued part starts at.
    std::uint64_t append(Pipe& pipe, Bytes bytes) {
        if (destination_open(pipe) && !pipe.write_busy && pipe.pending.empty()) {
            with_destination(pipe, [&](auto& destination) {
                if constexpr (kPlain<std::decay_t<decltype(destination)>>) {
                    error_code ec;
                    const std::size_t size =
                        destination.write_some(net::buffer(bytes.data(), bytes.size()), ec);
                    if (ec && ec != net::error::would_block) {
                        destination_failed(pipe);
                        return;
                    }
                    const std::size_t done = ec ? 0 : size;
                    pipe.handed += done;
                    pipe.written += done;
                    if (&pipe == &down_) {
                        services_.metrics.bytes_sent.fetch_add(done, std::memory_order_relaxed);
                    }
                    bytes = bytes.subspan(done);
                }
            });
        }
        const std::uint64_t queued_from = pipe.read - bytes.size();
        if (!bytes.empty() && pipe.forwarding) {
            pipe.pending.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
            write(pipe);
        }
        return queued_from;
    }

    void write(Pipe& pipe) {
        if (pipe.write_busy || pipe.pending.empty() || !destination_open(pipe)) return;
        pipe.writing.swap(pipe.pending);
        pipe.pending.clear();
        pipe.handed += pipe.writing.size();
        pipe.write_busy = true;
        with_destination(pipe, [&](auto& destination) {
            net::async_write(destination, net::buffer(pipe.writing),
                             [self = shared_from_this(), &pipe](error_code ec, std::size_t size) {
                                 self->on_written(pipe, ec, size);
                             });
        });
    }

    void on_written(Pipe& pipe, error_code ec, std::size_t size) {
        pipe.write_busy = false;
        pipe.written = pipe.handed;
        if (&pipe == &down_)
            services_.metrics.bytes_sent.fetch_add(size, std::memory_order_relaxed);
        auto& ends = pipe.queued_ends;
        ends.erase(ends.begin(), std::find_if(ends.begin(), ends.end(), [&](std::uint64_t end) {
                       return end > pipe.written;
                   }));
        if (ends.empty()) std::vector<std::uint64_t>().swap(ends);
        pipe.writing.clear();
        if (ec) {
            destination_failed(pipe);
            return;
        }
        if (pipe.writing.capacity() > kKeptWriteBuffer) std::string().swap(pipe.writing);
        if (!pipe.pending.empty()) {
            write(pipe);
            return;
        }
        std::string().swap(pipe.pending);
        std::string().swap(pipe.writing);
        if (pipe.close_after_write) {
            close_destination(pipe);
            return;
        }
        read(pipe);
    }

    // A write failed: the destination is gone, which its own read finds out.
    void destination_failed(Pipe& pipe) {
        pipe.forwarding = false;
        pipe.pending.clear();
        close_destination(pipe);
    }

    // --- Closing ---

    // Serve ends the session itself: a close frame with `code` each way after the last whole
    // frame (or the socket closed when a frame is cut), then each peer's answer awaited for
    // kCloseGrace. `reason` names it in logs and metrics, `description` travels in the frame.
    void close_both(std::uint16_t code, const char* reason, std::string_view description = {}) {
        if (close_started_) return;
        close_started_ = true;
        services_.metrics.session_closes.add(reason);
        log_info("session_closing", "session closing",
                 {{"device", identity_.device_id},
                  {"session", session_id_},
                  {"reason", reason},
                  {"code", static_cast<int>(code)}});
        arm_deadline(Clock::now() + kCloseGrace);
        cancel_dial();
        if (!accepted_ || !send_close(down_, code, description, false)) close_device_socket();
        if (!upstream_open_) {
            // Nothing the device sent will go anywhere: its answer to the close is read.
            up_.forwarding = false;
            up_.pending.clear();
        } else if (!upstream_closed_ && !send_close(up_, code, description, true)) {
            close_upstream_socket();
        }
        read(up_);
        read(down_);
    }

    // Serve's own close frame goes after the last whole frame that waits; false when the
    // frame being written is cut, so none can follow.
    bool send_close(Pipe& pipe, std::uint16_t code, std::string_view description, bool masked) {
        if (!pipe.forwarding) return true;
        pipe.forwarding = false;
        if (pipe.frame_end < pipe.handed) {
            pipe.pending.clear();
            return false;
        }
        pipe.pending.resize(static_cast<std::size_t>(pipe.frame_end - pipe.handed));
        pipe.queued_ends.clear();
        pipe.pending += relay::close_frame(
            code, description, masked ? std::optional(relay::random_mask()) : std::nullopt);
        write(pipe);
        return true;
    }

    // A peer's close frame went on to the other; the other's answer and the upstream's
    // closing of the connection end the session.
    void close_passing(Pipe& pipe, const relay::CloseFrame& frame) {
        if (close_started_) return;
        close_started_ = true;
        arm_deadline(Clock::now() + kCloseGrace);
        if (&pipe == &up_) {
            services_.metrics.session_closes.add("client");
            log_info("session_closed", "session closed",
                     {{"device", identity_.device_id},
                      {"session", session_id_},
                      {"reason", "client"},
                      {"code", frame.code}});
        } else {
            services_.metrics.session_closes.add("upstream_closed");
            log_info("upstream_closed", "upstream closed the session",
                     {{"device", identity_.device_id},
                      {"session", session_id_},
                      {"upstream", lease_.upstream().url()},
                      {"clean", true},
                      {"code", frame.code},
                      {"reason", frame.reason}});
        }
    }

    void scan_problem(Pipe& pipe, relay::ScanProblem problem) {
        const std::string detail(relay::describe(problem));
        if (&pipe == &up_) {
            log_warn(
                "device_protocol_error", "device broke the WebSocket protocol",
                {{"device", identity_.device_id}, {"session", session_id_}, {"error", detail}});
            close_both(relay::close_code_of(problem),
                       problem == relay::ScanProblem::too_big ? "too_big" : "protocol_error",
                       detail);
            return;
        }
        services_.upstreams.record(lease_.upstream(), false, "lost", detail);
        log_warn("upstream_protocol_error", "upstream broke the WebSocket protocol",
                 {{"device", identity_.device_id},
                  {"upstream", lease_.upstream().url()},
                  {"error", detail}});
        close_both(1011, "upstream_lost", "upstream lost: " + detail);
    }

    // The source ended: its close was answered, the peer vanished, or serve closed it.
    void source_ended(Pipe& pipe, error_code ec) {
        pipe.ended = true;
        if (!source_open(pipe)) return;
        if (&pipe == &up_) {
            device_ended(ec);
        } else {
            upstream_ended(ec);
        }
    }

    void device_ended(error_code ec) {
        if (!close_started_) {
            close_started_ = true;
            services_.metrics.session_closes.add("error");
            log_info("session_closed", "session closed",
                     {{"device", identity_.device_id},
                      {"session", session_id_},
                      {"reason", "error"},
                      {"error", ec.message()}});
            arm_deadline(Clock::now() + kCloseGrace);
            cancel_dial();
            if (upstream_open_ && !send_close(up_, 1001, "device gone", true)) {
                close_upstream_socket();
            }
        }
        close_device_socket();
    }

    void upstream_ended(error_code ec) {
        if (close_started_) {
            // The close handshake is done: what the upstream sent last goes on, then the
            // device's connection closes too (the server closes first).
            close_upstream_socket();
            if (down_.write_busy || !down_.pending.empty()) {
                down_.close_after_write = true;
            } else if (down_.close_seen) {
                close_device_socket();
            }
            return;
        }
        const std::string reason =
            ec == net::error::eof ? "closed without a close frame" : ec.message();
        services_.upstreams.record(lease_.upstream(), false, "lost", reason);
        log_info("upstream_closed", "upstream closed the session",
                 {{"device", identity_.device_id},
                  {"session", session_id_},
                  {"upstream", lease_.upstream().url()},
                  {"clean", false},
                  {"code", 0},
                  {"reason", reason}});
        close_upstream_socket();
        close_both(1011, "upstream_lost", "upstream lost: " + reason);
    }

    // The peer answered serve's close frame (or broke the protocol after it).
    void close_source(Pipe& pipe) {
        if (&pipe == &up_) {
            close_device_socket();
        } else {
            close_upstream_socket();
        }
    }

    void close_destination(Pipe& pipe) {
        if (&pipe == &up_) {
            close_upstream_socket();
        } else {
            close_device_socket();
        }
    }

    void cancel_dial() {
        if (!dial_) return;
        dial_->cancel();
        dial_.reset();
    }

    void close_device_socket() {
        if (device_closed_) return;
        device_closed_ = true;
        error_code ignored;
        device_.lowest_layer().close(ignored);
        finish_if_closed();
    }

    void close_upstream_socket() {
        cancel_dial();
        if (!upstream_open_ || upstream_closed_) return;
        upstream_closed_ = true;
        with_upstream([](auto& upstream) {
            error_code ignored;
            upstream.lowest_layer().close(ignored);
        });
        finish_if_closed();
    }

    void finish_if_closed() {
        if (device_closed_ && (!upstream_open_ || upstream_closed_)) deadline_.cancel();
    }

    // --- Timers ---

    void touch() { idle_deadline_ = Clock::now() + settings().idle_timeout; }

    void arm_deadline(Clock::time_point when) { deadline_.arm(when, weak_from_this()); }

    // The hello deadline (the upstream up and the device's hello seen by then) gives way to
    // the idle one.
    void arm_idle_when_relaying() {
        if (hello_done_ && upstream_open_ && !close_started_) arm_deadline(idle_deadline_);
    }

    void on_deadline() override {
        if (!accepted_) {
            close_device_socket();
            return;
        }
        if (close_started_) {
            log_info("close_handshake_timeout", "close handshake timed out",
                     {{"device", identity_.device_id}, {"session", session_id_}});
            close_device_socket();
            close_upstream_socket();
            return;
        }
        if (!upstream_open_) {
            services_.metrics.handshake_failures.add("upstream_timeout");
            close_both(1011, "upstream_timeout", "no upstream answered in time");
            return;
        }
        if (!hello_done_) {
            services_.metrics.handshake_failures.add("hello_timeout");
            close_both(1008, "hello_timeout");
            return;
        }
        if (Clock::now() < idle_deadline_) {
            arm_deadline(idle_deadline_);
        } else {
            close_both(1000, "idle");
        }
    }

    void move_state(SessionState state) {
        if (counted_) services_.metrics.move_session(state_, state);
        state_ = state;
    }

    const ServerServices& services_;  // owned by the server, which outlives its sessions
    ConnectionSlot slot_;             // of server.max_connections, released after the socket
    std::shared_ptr<const RunningConfig> config_;
    Device device_;
    SweptDeadline deadline_;  // the upgrade, hello, idle, then the close grace
    Clock::time_point started_ = Clock::now();
    Clock::time_point accepted_at_{};
    Clock::time_point idle_deadline_{};

    std::string peer_;
    std::string peer_address_;
    DeviceIdentity identity_;
    std::string session_id_;      // from the upstream's hello answer
    int protocol_ = 1;            // the binary protocol version the device asked for
    std::int64_t signed_at_ = 0;  // the Unix time re-signed tokens carry: the handshake's
    std::uint64_t registry_id_ = 0;
    SessionState state_ = SessionState::handshake;
    bool counted_ = false;
    bool accepted_ = false;
    bool shutdown_requested_ = false;
    bool hello_done_ = false;
    bool close_started_ = false;  // serve's own close, or a peer's passing through
    bool device_closed_ = false;
    bool upstream_closed_ = false;
    std::uint64_t frames_in_ = 0;
    std::uint64_t frames_out_ = 0;

    HttpRequest head_;    // the device's upgrade, until the upstream is up
    std::string early_;   // what the device sent with its upgrade, until the 101 is written
    std::string answer_;  // the 101, while it is written

    UpstreamLease lease_;
    std::vector<const Upstream*> tried_;  // upstreams that failed to connect for this session
    std::shared_ptr<UpstreamDial> dial_;
    Clock::time_point connect_started_{};
    std::shared_ptr<net::ssl::context> tls_;  // of a wss:// upstream, kept with its stream
    std::unique_ptr<ConnectionSocket> upstream_plain_;
    std::unique_ptr<TlsUpstreamSocket> upstream_tls_;
    bool upstream_open_ = false;

    Pipe up_;    // device -> upstream
    Pipe down_;  // upstream -> device
};

template <typename Device>
void start_session(Device device, RelayStart start, ConnectionSlot slot,
                   const ServerServices& services) {
    try {
        std::make_shared<RelaySession<Device>>(std::move(device), std::move(slot), services)
            ->start(std::move(start));
    } catch (const std::exception& error) {
        log_error("session_start_failed", "relayed session failed to start",
                  {{"error", error.what()}});
    }
}

}  // namespace

void start_relay_session(ConnectionSocket socket, RelayStart start, ConnectionSlot slot,
                         const ServerServices& services) {
    start_session(std::move(socket), std::move(start), std::move(slot), services);
}

void start_relay_session(TlsStream stream, RelayStart start, ConnectionSlot slot,
                         const ServerServices& services) {
    start_session(std::move(stream), std::move(start), std::move(slot), services);
}

}  // namespace xiaozhi::server
