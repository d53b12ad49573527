// HTTP connection handling with Beast: read a head, plan the body, route, write, keep alive.
#include "http_connection.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "device_session.hpp"
#include "firmware_upload.hpp"
#include "http_head.hpp"
#include "log_event.hpp"
#include "relay/ota_passthrough.hpp"
#include "tls_contexts.hpp"
#include "tls_stream.hpp"

namespace xiaozhi::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

// Time limit of reading a body, and of writing an answer; the head has
// server.request_head_timeout.
constexpr auto transfer_timeout = std::chrono::seconds(30);
constexpr std::size_t max_header_bytes = 16 * 1024;
// How long a TLS connection may take to send its close_notify before the socket closes.
constexpr auto tls_close_timeout = std::chrono::seconds(2);
// The first byte of a TLS record carrying a handshake message (a ClientHello).
constexpr unsigned char tls_handshake_record = 0x16;

// What a plain HTTP client gets from a TLS listener.
constexpr std::string_view plain_on_tls_answer =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 46\r\n"
    "Connection: close\r\n\r\nthis port speaks TLS: use https:// or wss://\n";

// Where a plain stream keeps its time limit (Beast's basic_stream has it); a TLS stream
// has none of its own, so its connection keeps a timer.
struct NoTimer {
    explicit NoTimer(const ConnectionExecutor&) {}
};

// A temporary upload file, removed unless the routes moved it away.
class UploadFile {
  public:
    UploadFile() = default;
    UploadFile(const UploadFile&) = delete;
    UploadFile& operator=(const UploadFile&) = delete;
    ~UploadFile() { discard(); }

    // Creates <dir>/.upload-<pid>-<n>.part and returns its path.
    std::string create(const std::string& dir) {
        std::error_code ignored;
        std::filesystem::create_directories(dir, ignored);
        path_ = new_upload_part_path(dir);
        return path_;
    }
    void discard() {
        if (path_.empty()) return;
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
        path_.clear();
    }

  private:
    std::string path_;
};

// Opens `path` for reading into `body` without following a symbolic link in its last
// component; anything but a regular file is an error.
void open_regular_file(const std::string& path, http::file_body::value_type& body,
                       beast::error_code& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        error.assign(errno, beast::system_category());
        return;
    }
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(fd);
        error = boost::system::errc::make_error_code(boost::system::errc::not_supported);
        return;
    }
    beast::file file;
    file.native_handle(fd);
    body.reset(std::move(file), error);
}

// Stream: ConnectionStream (plain) or TlsStream.
template <typename Stream>
class HttpConnection : public std::enable_shared_from_this<HttpConnection<Stream>> {
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
    using Timer = std::conditional_t<kTls, ConnectionTimer, NoTimer>;
    using std::enable_shared_from_this<HttpConnection<Stream>>::shared_from_this;

  public:
    HttpConnection(ConnectionSocket socket, ConnectionSlot slot, const ServerServices& services,
                   HttpRoutes& routes, std::shared_ptr<const TlsContexts> tls)
        : slot_(std::move(slot)),
          timer_(socket.get_executor()),
          stream_(make_stream(std::move(socket), std::move(tls))),
          services_(services),
          routes_(routes) {
        services_.metrics.connections_accepted.fetch_add(1, std::memory_order_relaxed);
        services_.metrics.connections_open.fetch_add(1, std::memory_order_relaxed);
        boost::system::error_code ignored;
        const tcp::endpoint peer = tcp_socket().remote_endpoint(ignored);
        peer_address_ = peer.address().is_v6() && peer.address().to_v6().is_v4_mapped()
                            ? boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped,
                                                               peer.address().to_v6())
                                  .to_string()
                            : peer.address().to_string();
        peer_port_ = peer.port();
        local_port_ = tcp_socket().local_endpoint(ignored).port();
    }
    ~HttpConnection() {
        services_.metrics.connections_open.fetch_sub(1, std::memory_order_relaxed);
    }

    void start() {
        if constexpr (kTls) {
            expires_after(services_.control.current()->settings.tls.handshake_timeout);
            wait_for_first_byte();
        } else {
            read_head();
        }
    }

  private:
    static Stream make_stream(ConnectionSocket socket, std::shared_ptr<const TlsContexts> tls) {
        if constexpr (kTls) {
            return Stream(std::move(socket), std::move(tls));
        } else {
            return Stream(std::move(socket));
        }
    }

    ConnectionSocket& tcp_socket() {
        if constexpr (kTls) {
            return stream_.next_layer();
        } else {
            return stream_.socket();
        }
    }

    void expires_after(std::chrono::steady_clock::duration limit) {
        if constexpr (kTls) {
            timer_.expires_after(limit);
            timer_.async_wait([self = shared_from_this()](beast::error_code error) {
                if (error) return;
                self->timed_out_ = true;
                beast::error_code ignored;
                self->tcp_socket().cancel(ignored);
                self->tcp_socket().close(ignored);
            });
        } else {
            stream_.expires_after(limit);
        }
    }

    void expires_never() {
        if constexpr (kTls) {
            timer_.cancel();
        } else {
            stream_.expires_never();
        }
    }

    // --- TLS: the first byte says whether a TLS client or a plain HTTP one came ---

    void wait_for_first_byte() {
        tcp_socket().async_wait(
            ConnectionSocket::wait_read,
            [self = shared_from_this()](beast::error_code error) { self->on_first_byte(error); });
    }

    void on_first_byte(beast::error_code error) {
        if (error) {
            if (timed_out_) services_.metrics.tls_handshakes.add("timeout");
            close_now();
            return;
        }
        unsigned char first = 0;
        const ssize_t peeked =
            ::recv(tcp_socket().native_handle(), &first, 1, MSG_PEEK | MSG_DONTWAIT);
        if (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            wait_for_first_byte();
            return;
        }
        if (peeked <= 0) {
            close_now();
            return;
        }
        if (first != tls_handshake_record) {
            answer_plain_on_tls();
            return;
        }
        handshake_started_at_ = std::chrono::steady_clock::now();
        if constexpr (kTls) {
            stream_.async_handshake(
                [self = shared_from_this()](beast::error_code failed, std::size_t) {
                    self->on_handshake(failed);
                });
        }
    }

    void on_handshake(beast::error_code error) {
        if (error) {
            const char* outcome = timed_out_ ? "timeout" : "failed";
            services_.metrics.tls_handshakes.add(outcome);
            log_info("tls_handshake_failed", "tls handshake failed",
                     {{"peer_address", peer_address_},
                      {"peer_port", peer_port_},
                      {"port", local_port_},
                      {"reason", outcome},
                      {"error", error.message()}});
            close_now();
            return;
        }
        services_.metrics.tls_handshakes.add("ok");
        services_.metrics.tls_handshake.observe(std::chrono::steady_clock::now() -
                                                handshake_started_at_);
        read_head();
    }

    // A plain HTTP request on a TLS port: a plain 400 that says so, then the socket closes.
    void answer_plain_on_tls() {
        services_.metrics.tls_handshakes.add("plain_http");
        log_warn("plain_on_tls_port", "plain HTTP on a TLS port",
                 {{"peer_address", peer_address_},
                  {"peer_port", peer_port_},
                  {"port", local_port_},
                  {"hint", "the client must use https:// or wss:// on this port"}});
        boost::asio::async_write(
            tcp_socket(),
            boost::asio::buffer(plain_on_tls_answer.data(), plain_on_tls_answer.size()),
            [self = shared_from_this()](beast::error_code, std::size_t) { self->close_now(); });
    }

    // A TLS ClientHello on a plain port: a log line that says so instead of a parse error.
    bool tls_client_on_plain_port() {
        if constexpr (kTls) {
            return false;
        } else {
            const auto data = buffer_.data();
            if (data.size() == 0 ||
                *static_cast<const unsigned char*>(data.data()) != tls_handshake_record) {
                return false;
            }
            services_.metrics.tls_on_plain_port.fetch_add(1, std::memory_order_relaxed);
            log_warn("tls_on_plain_port", "TLS client on a plain port",
                     {{"peer_address", peer_address_},
                      {"peer_port", peer_port_},
                      {"port", local_port_},
                      {"hint",
                       "the client must use http:// or ws:// on this port, or "
                       "server.tls must make it a TLS port"}});
            return true;
        }
    }

    void read_head() {
        head_parser_.emplace();
        head_parser_->header_limit(max_header_bytes);
        // The body's limit depends on the route: on_head checks Content-Length against it.
        head_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
        expires_after(services_.control.current()->settings.request_head_timeout);
        http::async_read_header(stream_, buffer_, *head_parser_,
                                [self = shared_from_this()](beast::error_code error, std::size_t) {
                                    self->on_head(error);
                                });
    }

    void on_head(beast::error_code error) {
        if (error) {
            if (tls_client_on_plain_port()) {
                close();
                return;
            }
            if (error != http::error::end_of_stream && error != beast::error::timeout &&
                error != boost::asio::error::connection_reset &&
                error != boost::asio::error::operation_aborted) {
                log_info("http_bad_request", "http bad request",
                         {{"peer_address", peer_address_},
                          {"peer_port", peer_port_},
                          {"error", error.message()}});
                reply_and_close(text_response(400, "bad request: " + error.message() + "\n"));
                return;
            }
            close();
            return;
        }
        expires_after(transfer_timeout);
        const auto& head = head_parser_->get();
        if (beast::websocket::is_upgrade(head)) {
            upgrade();
            return;
        }
        request_ = plain_request(head, peer_address_, peer_port_);
        head_only_ = head.method() == http::verb::head;
        timed_ota_ = is_ota_answer_request(request_);
        head_read_at_ = std::chrono::steady_clock::now();
        const BodyPlan plan = routes_.plan_body(request_);
        const auto length = head_parser_->content_length();
        if (plan.kind != BodyPlan::Kind::reject && length && *length > plan.limit) {
            reply_and_close(json_response(413, R"({"error":"request body too large"})"));
            return;
        }
        switch (plan.kind) {
            case BodyPlan::Kind::reject:
                reply_and_close(plan.rejection);
                return;
            case BodyPlan::Kind::memory:
                read_string_body(plan.limit);
                return;
            case BodyPlan::Kind::file:
                read_file_body(plan);
                return;
        }
    }

    void upgrade() {
        auto parser =
            std::make_shared<http::request_parser<http::string_body>>(std::move(*head_parser_));
        parser->body_limit(0);
        http::async_read(stream_, buffer_, *parser,
                         [self = shared_from_this(), parser](beast::error_code error, std::size_t) {
                             if (error) {
                                 self->close();
                                 return;
                             }
                             self->expires_never();
                             // What the device sent after the request, not waiting for the 101.
                             const auto early = self->buffer_.data();
                             start_device_session(
                                 std::move(self->stream_), parser->release(),
                                 std::string(static_cast<const char*>(early.data()), early.size()),
                                 std::move(self->slot_), self->services_);
                         });
    }

    void read_string_body(std::size_t limit) {
        auto parser =
            std::make_shared<http::request_parser<http::string_body>>(std::move(*head_parser_));
        parser->body_limit(limit);
        http::async_read(stream_, buffer_, *parser,
                         [self = shared_from_this(), parser](beast::error_code error, std::size_t) {
                             if (self->body_failed(error)) return;
                             self->keep_alive_ = parser->get().keep_alive();
                             self->request_.body = parser->release().body();
                             self->respond();
                         });
    }

    void read_file_body(const BodyPlan& plan) {
        auto parser =
            std::make_shared<http::request_parser<http::file_body>>(std::move(*head_parser_));
        parser->body_limit(plan.limit);
        const std::string path = upload_.create(plan.file_dir);
        beast::error_code error;
        parser->get().body().open(path.c_str(), beast::file_mode::write, error);
        if (error) {
            log_error("upload_create_failed", "upload cannot create its file",
                      {{"path", path}, {"error", error.message()}});
            upload_.discard();
            reply_and_close(
                json_response(500, R"({"error":"cannot create the upload file on the server"})"));
            return;
        }
        request_.body_file = path;
        http::async_read(stream_, buffer_, *parser,
                         [self = shared_from_this(), parser](beast::error_code error, std::size_t) {
                             parser->get().body().close();
                             if (self->body_failed(error)) return;
                             self->keep_alive_ = parser->get().keep_alive();
                             self->respond();
                         });
    }

    // Answers 413 or 400 for a body that could not be read; true when it did so.
    bool body_failed(beast::error_code error) {
        if (!error) return false;
        upload_.discard();
        if (error == http::error::body_limit) {
            reply_and_close(json_response(413, R"({"error":"request body too large"})"));
        } else if (error == beast::error::timeout || error == http::error::end_of_stream ||
                   error == http::error::partial_message) {
            close();
        } else {
            reply_and_close(text_response(400, "bad request: " + error.message() + "\n"));
        }
        return true;
    }

    void respond() {
        if (request_.method == "POST" && is_ota_answer_request(request_) &&
            passes_ota_through(*services_.control.current())) {
            pass_ota_through(tcp_socket().get_executor(), request_, services_,
                             [self = shared_from_this()](HttpResponse response) {
                                 self->upload_.discard();
                                 self->write(std::move(response), self->keep_alive_);
                             });
            return;
        }
        HttpResponse response = routes_.handle(request_);
        upload_.discard();
        write(std::move(response), keep_alive_);
    }

    void reply_and_close(HttpResponse response) { write(std::move(response), false); }

    template <typename Body>
    void fill(http::response<Body>& message, const HttpResponse& response, bool keep_alive) {
        message.result(static_cast<unsigned>(response.status));
        message.set(http::field::server, "xiaozhi/" XIAOZHI_VERSION);
        message.set(http::field::content_type, response.content_type);
        for (const auto& [name, value] : response.headers) message.set(name, value);
        message.keep_alive(keep_alive);
    }

    void write(HttpResponse response, bool keep_alive) {
        services_.metrics.http_requests.add(std::to_string(response.status / 100) + "xx");
        expires_after(transfer_timeout);
        if (head_only_) {
            write_head_only(response, keep_alive);
            return;
        }
        if (!response.file_path.empty()) {
            auto message = std::make_shared<http::response<http::file_body>>();
            beast::error_code error;
            open_regular_file(response.file_path, message->body(), error);
            if (error) {
                write(json_response(404, R"({"error":"file not found"})"), keep_alive);
                return;
            }
            fill(*message, response, keep_alive);
            message->prepare_payload();
            send(message, keep_alive);
            return;
        }
        auto message = std::make_shared<http::response<http::string_body>>();
        fill(*message, response, keep_alive);
        message->body() = std::move(response.body);
        message->prepare_payload();
        send(message, keep_alive);
    }

    // HEAD: the answer's headers and Content-Length, no body.
    void write_head_only(const HttpResponse& response, bool keep_alive) {
        std::uint64_t size = response.body.size();
        if (!response.file_path.empty()) {
            std::error_code error;
            size = std::filesystem::file_size(response.file_path, error);
            if (error) size = 0;
        }
        auto message = std::make_shared<http::response<http::empty_body>>();
        fill(*message, response, keep_alive);
        message->content_length(size);
        send(message, keep_alive);
    }

    template <typename Message>
    void send(const std::shared_ptr<Message>& message, bool keep_alive) {
        http::async_write(
            stream_, *message,
            [self = shared_from_this(), message, keep_alive](beast::error_code error, std::size_t) {
                if (!error && self->timed_ota_) {
                    self->services_.metrics.ota_answer.observe(std::chrono::steady_clock::now() -
                                                               self->head_read_at_);
                }
                self->timed_ota_ = false;
                if (error || !keep_alive) {
                    self->close();
                    return;
                }
                self->request_ = HttpRequest{};
                self->read_head();
            });
    }

    // The end of the connection: TLS sends its close_notify first (bounded in time).
    void close() {
        if constexpr (kTls) {
            if (!tcp_socket().is_open()) return;
            expires_after(tls_close_timeout);
            stream_.async_shutdown(
                [self = shared_from_this()](beast::error_code, std::size_t) { self->close_now(); });
        } else {
            close_now();
        }
    }

    void close_now() {
        expires_never();
        beast::error_code ignored;
        tcp_socket().shutdown(tcp::socket::shutdown_send, ignored);
        tcp_socket().close(ignored);
    }

    ConnectionSlot slot_;                // declared first: released after the socket is closed
    [[no_unique_address]] Timer timer_;  // TLS: the time limit of the step under way
    Stream stream_;
    const ServerServices& services_;
    HttpRoutes& routes_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::empty_body>> head_parser_;
    HttpRequest request_;
    UploadFile upload_;
    bool keep_alive_ = false;
    bool head_only_ = false;
    bool timed_ota_ = false;  // the answer being sent is an OTA answer, timed from head_read_at_
    std::chrono::steady_clock::time_point head_read_at_;
    std::string peer_address_;
    int peer_port_ = 0;
    int local_port_ = 0;
    bool timed_out_ = false;  // TLS: the timer closed the socket
    std::chrono::steady_clock::time_point handshake_started_at_;
};

}  // namespace

void serve_connection(ConnectionSocket socket, ConnectionSlot slot, const ServerServices& services,
                      HttpRoutes& routes, std::shared_ptr<const TlsContexts> tls) {
    if (tls) {
        try {
            std::make_shared<HttpConnection<TlsStream>>(std::move(socket), std::move(slot),
                                                        services, routes, std::move(tls))
                ->start();
        } catch (const std::exception& error) {
            log_error("tls_session_failed", "no TLS session for a connection",
                      {{"error", error.what()}});
        }
        return;
    }
    std::make_shared<HttpConnection<ConnectionStream>>(std::move(socket), std::move(slot), services,
                                                       routes, nullptr)
        ->start();
}

}  // namespace xiaozhi::server
