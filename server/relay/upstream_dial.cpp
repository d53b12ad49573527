// dial_upstream: Asio's resolver and connect, OpenSSL's client handshake, Beast's HTTP for the
// upgrade.
#include "relay/upstream_dial.hpp"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "protocol/websocket_key.hpp"
#include "tls_client.hpp"

namespace xiaozhi::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using error_code = boost::system::error_code;
using Resolver = net::ip::basic_resolver<net::ip::tcp, ConnectionExecutor>;

// Largest upgrade answer head the relay reads.
constexpr std::uint32_t kAnswerHeadLimit = 16 * 1024;

// Whether the comma-separated header value `list` holds `token` (case-insensitive).
bool has_token(beast::string_view list, beast::string_view token) {
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t end = list.find(',', start);
        if (end == beast::string_view::npos) end = list.size();
        beast::string_view item = list.substr(start, end - start);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (beast::iequals(item, token)) return true;
        start = end + 1;
    }
    return false;
}

template <typename Stream>
class Dial final : public UpstreamDial, public std::enable_shared_from_this<Dial<Stream>> {
    using std::enable_shared_from_this<Dial<Stream>>::shared_from_this;

  public:
    template <typename... StreamArgs>
    Dial(const ConnectionExecutor& executor, const deploy::Url& url, UpstreamRequest request,
         std::function<void(UpstreamDialResult)> done, StreamArgs&&... stream_args)
        : url_(url),
          request_(std::move(request)),
          done_(std::move(done)),
          resolver_(executor),
          timer_(executor),
          stream_(std::make_unique<Stream>(executor, std::forward<StreamArgs>(stream_args)...)) {}

    void start(std::chrono::steady_clock::duration timeout) {
        timer_.expires_after(timeout);
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (!ec) self->fail(false, "no answer within upstream.connect_timeout");
        });
        resolver_.async_resolve(url_.host, std::to_string(url_.port),
                                beast::bind_front_handler(&Dial::on_resolve, shared_from_this()));
    }

    void cancel() override {
        done_ = nullptr;
        stop();
    }

    void keep(std::shared_ptr<net::ssl::context> tls) { tls_ = std::move(tls); }

  private:
    ConnectionSocket& socket() {
        if constexpr (std::is_same_v<Stream, ConnectionSocket>) {
            return *stream_;
        } else {
            return stream_->next_layer();
        }
    }

    void stop() {
        finished_ = true;
        error_code ignored;
        timer_.cancel();
        resolver_.cancel();
        socket().close(ignored);
    }

    void fail(bool refused, std::string reason) {
        if (finished_) return;
        stop();
        UpstreamDialResult result;
        result.refused = refused;
        result.reason = std::move(reason);
        finish(std::move(result));
    }

    void finish(UpstreamDialResult result) {
        auto done = std::move(done_);
        done_ = nullptr;
        if (done) done(std::move(result));
    }

    void on_resolve(error_code ec, typename Resolver::results_type results) {
        if (finished_) return;
        if (ec) {
            fail(false, "cannot resolve " + url_.host + ": " + ec.message());
            return;
        }
        net::async_connect(socket(), results,
                           beast::bind_front_handler(&Dial::on_connect, shared_from_this()));
    }

    void on_connect(error_code ec, const typename Resolver::results_type::endpoint_type&) {
        if (finished_) return;
        if (ec) {
            fail(false, "cannot connect: " + ec.message());
            return;
        }
        socket().set_option(net::ip::tcp::no_delay(true), ec);
        if constexpr (std::is_same_v<Stream, TlsUpstreamSocket>) {
            client::prepare_tls_stream(*stream_, url_.host, client::TlsTrust{});
            stream_->async_handshake(net::ssl::stream_base::client,
                                     beast::bind_front_handler(&Dial::on_tls, shared_from_this()));
        } else {
            send_upgrade();
        }
    }

    void on_tls(error_code ec) {
        if (finished_) return;
        if (ec) {
            if constexpr (std::is_same_v<Stream, TlsUpstreamSocket>) {
                fail(false, client::tls_failure_text(client::tls_failure_of(*stream_, ec),
                                                     url_.host + ":" + std::to_string(url_.port)));
            }
            return;
        }
        send_upgrade();
    }

    void send_upgrade() {
        key_ = protocol::make_websocket_key();
        upgrade_.method(http::verb::get);
        upgrade_.target(request_.target);
        upgrade_.version(11);
        upgrade_.set(http::field::host, deploy::host_header(url_));
        upgrade_.set(http::field::upgrade, "websocket");
        upgrade_.set(http::field::connection, "Upgrade");
        upgrade_.set(http::field::sec_websocket_key, key_);
        upgrade_.set(http::field::sec_websocket_version, "13");
        upgrade_.set(http::field::user_agent, "xiaozhi-relay");
        for (const auto& [name, value] : request_.headers) upgrade_.set(name, value);
        http::async_write(*stream_, upgrade_,
                          beast::bind_front_handler(&Dial::on_sent, shared_from_this()));
    }

    void on_sent(error_code ec, std::size_t) {
        if (finished_) return;
        if (ec) {
            fail(false, "the upgrade failed: " + ec.message());
            return;
        }
        answer_.emplace();
        answer_->header_limit(kAnswerHeadLimit);
        http::async_read_header(*stream_, buffer_, *answer_,
                                beast::bind_front_handler(&Dial::on_answer, shared_from_this()));
    }

    void on_answer(error_code ec, std::size_t) {
        if (finished_) return;
        if (ec) {
            fail(false, "the upgrade failed: " + ec.message());
            return;
        }
        const auto& answer = answer_->get();
        const unsigned status = answer.result_int();
        if (status != 101) {
            const std::string text = "the upgrade was answered " + std::to_string(status) + " " +
                                     std::string(answer.reason());
            fail(status < 500, text);
            return;
        }
        if (!beast::iequals(answer[http::field::upgrade], "websocket") ||
            !has_token(answer[http::field::connection], "upgrade")) {
            fail(false, "the upgrade failed: the 101 answer does not switch to websocket");
            return;
        }
        if (answer[http::field::sec_websocket_accept] != protocol::websocket_accept(key_)) {
            fail(false, "the upgrade failed: a wrong Sec-WebSocket-Accept");
            return;
        }
        if (!answer[http::field::sec_websocket_extensions].empty()) {
            fail(false, "the upgrade failed: the upstream chose an extension serve did not offer");
            return;
        }
        finished_ = true;
        timer_.cancel();
        UpstreamDialResult result;
        const auto early = buffer_.data();
        result.early_bytes.assign(static_cast<const char*>(early.data()), early.size());
        if constexpr (std::is_same_v<Stream, TlsUpstreamSocket>) {
            result.tls = std::move(stream_);
        } else {
            result.plain = std::move(stream_);
        }
        finish(std::move(result));
    }

    std::shared_ptr<net::ssl::context> tls_;  // declared first: destroyed after stream_
    deploy::Url url_;
    UpstreamRequest request_;
    std::function<void(UpstreamDialResult)> done_;
    Resolver resolver_;
    ConnectionTimer timer_;
    std::unique_ptr<Stream> stream_;
    std::string key_;
    http::request<http::empty_body> upgrade_;
    std::optional<http::response_parser<http::empty_body>> answer_;
    beast::flat_buffer buffer_;
    bool finished_ = false;
};

}  // namespace

std::shared_ptr<UpstreamDial> dial_upstream(const ConnectionExecutor& executor,
                                            const deploy::Url& url,
                                            std::shared_ptr<net::ssl::context> tls,
                                            UpstreamRequest request,
                                            std::chrono::steady_clock::duration timeout,
                                            std::function<void(UpstreamDialResult)> done) {
    if (url.scheme == "wss") {
        auto dial = std::make_shared<Dial<TlsUpstreamSocket>>(executor, url, std::move(request),
                                                              std::move(done), *tls);
        dial->keep(std::move(tls));
        dial->start(timeout);
        return dial;
    }
    auto dial = std::make_shared<Dial<ConnectionSocket>>(executor, url, std::move(request),
                                                         std::move(done));
    dial->start(timeout);
    return dial;
}

}  // namespace xiaozhi::server
