// UpstreamLink over a plain or a TLS stream: resolve, connect, TLS, upgrade, then the read loop.
#include "relay/upstream_link.hpp"

#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "exact_allocation.hpp"
#include "tls_client.hpp"

namespace xiaozhi::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;
using Resolver = net::ip::basic_resolver<net::ip::tcp, ConnectionExecutor>;
using TlsUpstreamStream = beast::ssl_stream<ConnectionStream>;

// A read buffer that grew beyond this for one large message is given back afterwards.
constexpr std::size_t kKeptReadBuffer = 2048;

template <typename Stream>
class Link final : public UpstreamLink, public std::enable_shared_from_this<Link<Stream>> {
    using std::enable_shared_from_this<Link<Stream>>::shared_from_this;

  public:
    template <typename... StreamArgs>
    Link(const ConnectionExecutor& executor, const deploy::Url& url,
         std::weak_ptr<UpstreamLinkEvents> events, std::size_t max_message_size,
         StreamArgs&&... stream_args)
        : url_(url),
          events_(std::move(events)),
          resolver_(executor),
          ws_(ConnectionStream(executor), std::forward<StreamArgs>(stream_args)...) {
        ws_.read_message_max(max_message_size);
        ws_.auto_fragment(false);
        ws_.write_buffer_bytes(256);
    }

    void connect(const UpstreamRequest& request, Clock::duration timeout) override {
        request_ = request;
        deadline_ = Clock::now() + timeout;
        resolver_.async_resolve(url_.host, std::to_string(url_.port),
                                beast::bind_front_handler(&Link::on_resolve, shared_from_this()));
    }

    void send(bool text, const void* data, std::size_t size,
              std::function<void(error_code)> done) override {
        ws_.text(text);
        ws_.async_write(net::buffer(data, size),
                        [self = shared_from_this(), done = std::move(done)](
                            error_code ec, std::size_t) { done(ec); });
    }

    void close(std::uint16_t code, std::string reason) override {
        if (closing_) return;
        closing_ = true;
        if (!open_) {
            error_code ignored;
            resolver_.cancel();
            beast::get_lowest_layer(ws_).socket().close(ignored);
            return;
        }
        if (reason.size() > 123) reason.resize(123);
        websocket::close_reason frame(static_cast<websocket::close_code>(code));
        frame.reason = std::move(reason);
        ws_.async_close(frame, [self = shared_from_this()](error_code) {
            error_code ignored;
            beast::get_lowest_layer(self->ws_).socket().close(ignored);
        });
    }

    // The TLS context the stream was made with, kept as long as the stream.
    void keep(std::shared_ptr<net::ssl::context> tls) { tls_ = std::move(tls); }

  private:
    Clock::duration remaining() const {
        return std::max(Clock::duration(std::chrono::milliseconds(1)), deadline_ - Clock::now());
    }

    void fail(bool refused, std::string reason) {
        if (closing_) return;
        closing_ = true;
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
        if (auto events = events_.lock()) events->upstream_failed(refused, std::move(reason));
    }

    void on_resolve(error_code ec, typename Resolver::results_type results) {
        if (closing_) return;
        if (ec) {
            fail(false, "cannot resolve " + url_.host + ": " + ec.message());
            return;
        }
        beast::get_lowest_layer(ws_).expires_after(remaining());
        beast::get_lowest_layer(ws_).async_connect(
            results, beast::bind_front_handler(&Link::on_connect, shared_from_this()));
    }

    void on_connect(error_code ec, const typename Resolver::results_type::endpoint_type&) {
        if (closing_) return;
        if (ec) {
            fail(false, "cannot connect: " + ec.message());
            return;
        }
        if constexpr (std::is_same_v<Stream, TlsUpstreamStream>) {
            client::prepare_tls_stream(ws_.next_layer(), url_.host, client::TlsTrust{});
            ws_.next_layer().async_handshake(
                net::ssl::stream_base::client,
                beast::bind_front_handler(&Link::on_tls, shared_from_this()));
        } else {
            upgrade();
        }
    }

    void on_tls(error_code ec) {
        if (closing_) return;
        if (ec) {
            if constexpr (std::is_same_v<Stream, TlsUpstreamStream>) {
                fail(false, client::tls_failure_text(client::tls_failure_of(ws_.next_layer(), ec),
                                                     url_.host + ":" + std::to_string(url_.port)));
            }
            return;
        }
        upgrade();
    }

    void upgrade() {
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = remaining();
        timeout.idle_timeout = websocket::stream_base::none();
        timeout.keep_alive_pings = false;
        ws_.set_option(timeout);
        ws_.set_option(websocket::stream_base::decorator(
            [headers = request_.headers](websocket::request_type& upgrade) {
                upgrade.set(http::field::user_agent, "xiaozhi-relay");
                for (const auto& [name, value] : headers) upgrade.set(name, value);
            }));
        response_.emplace();
        ws_.async_handshake(*response_, deploy::host_header(url_), request_.target,
                            beast::bind_front_handler(&Link::on_upgrade, shared_from_this()));
    }

    void on_upgrade(error_code ec) {
        if (closing_) return;
        if (ec) {
            const unsigned status = response_ ? response_->result_int() : 0;
            if (ec == websocket::error::upgrade_declined && status != 0 && status < 500) {
                fail(true, "the upgrade was answered " + std::to_string(status) + " " +
                               std::string(response_->reason()));
            } else if (status >= 500) {
                fail(false, "the upgrade was answered " + std::to_string(status));
            } else {
                fail(false, "the upgrade failed: " + ec.message());
            }
            return;
        }
        response_.reset();
        request_ = {};
        open_ = true;
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = std::chrono::seconds(5);
        timeout.idle_timeout = websocket::stream_base::none();
        timeout.keep_alive_pings = false;
        ws_.set_option(timeout);
        if (auto events = events_.lock()) events->upstream_open();
        read_next();
    }

    // Between messages the link waits for one byte with no buffer at all (as the device
    // session does), so an idle relayed session holds no read buffer on this side either.
    void read_next() {
        if (closing_) return;
        ws_.async_read_some(net::buffer(&first_byte_, 1),
                            exactly_allocated(beast::bind_front_handler(&Link::on_message_start,
                                                                        shared_from_this())));
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
        ws_.async_read(buffer_, beast::bind_front_handler(&Link::on_read, shared_from_this()));
    }

    void on_read(error_code ec, std::size_t) {
        if (ec) {
            on_read_end(ec);
            return;
        }
        const auto data = buffer_.data();
        std::string payload(static_cast<const char*>(data.data()), data.size());
        buffer_.consume(buffer_.size());
        if (buffer_.capacity() > kKeptReadBuffer) buffer_.shrink_to_fit();
        if (auto events = events_.lock()) {
            events->upstream_message(ws_.got_text(), std::move(payload));
        }
        read_next();
    }

    void on_read_end(error_code ec) {
        if (closing_) return;
        closing_ = true;
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
        auto events = events_.lock();
        if (!events) return;
        if (ec == websocket::error::closed) {
            events->upstream_closed(
                true, static_cast<std::uint16_t>(ws_.reason().code),
                std::string(ws_.reason().reason.data(), ws_.reason().reason.size()));
        } else {
            events->upstream_closed(false, 0, ec.message());
        }
    }

    std::shared_ptr<net::ssl::context> tls_;  // declared first: destroyed after ws_
    deploy::Url url_;
    std::weak_ptr<UpstreamLinkEvents> events_;
    Resolver resolver_;
    websocket::stream<Stream, false> ws_;
    UpstreamRequest request_;
    std::optional<websocket::response_type> response_;
    Clock::time_point deadline_{};
    beast::flat_buffer buffer_;
    std::uint8_t first_byte_ = 0;
    bool open_ = false;
    bool closing_ = false;
};

}  // namespace

std::shared_ptr<UpstreamLink> make_upstream_link(const ConnectionExecutor& executor,
                                                 const deploy::Url& url,
                                                 std::shared_ptr<net::ssl::context> tls,
                                                 std::weak_ptr<UpstreamLinkEvents> events,
                                                 std::size_t max_message_size) {
    if (url.scheme == "wss") {
        auto link = std::make_shared<Link<TlsUpstreamStream>>(executor, url, std::move(events),
                                                              max_message_size, *tls);
        link->keep(std::move(tls));
        return link;
    }
    return std::make_shared<Link<ConnectionStream>>(executor, url, std::move(events),
                                                    max_message_size);
}

}  // namespace xiaozhi::server
