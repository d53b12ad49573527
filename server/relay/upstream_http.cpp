// upstream_http: resolve, connect, TLS, write, read, under one deadline timer.
#include "relay/upstream_http.hpp"

#include <algorithm>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "http_message.hpp"
#include "tls_client.hpp"

namespace xiaozhi::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using error_code = boost::system::error_code;
using Resolver = net::ip::basic_resolver<net::ip::tcp, ConnectionExecutor>;
using TlsHttpStream = beast::ssl_stream<ConnectionStream>;

template <typename Stream>
class Exchange final : public std::enable_shared_from_this<Exchange<Stream>> {
    using std::enable_shared_from_this<Exchange<Stream>>::shared_from_this;

  public:
    template <typename... StreamArgs>
    Exchange(const ConnectionExecutor& executor, const deploy::Url& url,
             std::shared_ptr<net::ssl::context> tls, std::size_t body_limit,
             std::function<void(UpstreamHttpAnswer)> done, StreamArgs&&... stream_args)
        : url_(url),
          tls_(std::move(tls)),
          done_(std::move(done)),
          resolver_(executor),
          timer_(executor),
          stream_(ConnectionStream(executor), std::forward<StreamArgs>(stream_args)...) {
        parser_.body_limit(body_limit);
        parser_.header_limit(64 * 1024);
    }

    void start(UpstreamHttpRequest request, std::chrono::steady_clock::duration timeout) {
        request_.method_string(request.method);
        request_.target(request.target);
        request_.version(11);
        request_.set(http::field::host, deploy::host_header(url_));
        for (const auto& [name, value] : request.headers) request_.set(name, value);
        request_.set(http::field::connection, "close");
        request_.body() = std::move(request.body);
        if (!request_.body().empty() || request.method != "GET") request_.prepare_payload();
        timer_.expires_after(timeout);
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (ec) return;
            self->timed_out_ = true;
            self->resolver_.cancel();
            error_code ignored;
            beast::get_lowest_layer(self->stream_).socket().close(ignored);
        });
        resolver_.async_resolve(
            url_.host, std::to_string(url_.port),
            beast::bind_front_handler(&Exchange::on_resolve, shared_from_this()));
    }

  private:
    void finish(UpstreamHttpAnswer answer) {
        if (finished_) return;
        finished_ = true;
        timer_.cancel();
        error_code ignored;
        beast::get_lowest_layer(stream_).socket().close(ignored);
        done_(std::move(answer));
    }

    void fail(std::string_view step, const error_code& ec) {
        UpstreamHttpAnswer answer;
        if (timed_out_) {
            answer.error = "timed out";
        } else if (ec == http::error::body_limit) {
            answer.error = "answer too large";
        } else {
            answer.error = std::string(step) + ": " + ec.message();
        }
        finish(std::move(answer));
    }

    void on_resolve(error_code ec, typename Resolver::results_type results) {
        if (ec) {
            fail("resolve " + url_.host, ec);
            return;
        }
        beast::get_lowest_layer(stream_).async_connect(
            results, beast::bind_front_handler(&Exchange::on_connect, shared_from_this()));
    }

    void on_connect(error_code ec, const typename Resolver::results_type::endpoint_type&) {
        if (ec) {
            fail("connect", ec);
            return;
        }
        if constexpr (std::is_same_v<Stream, TlsHttpStream>) {
            client::prepare_tls_stream(stream_, url_.host, client::TlsTrust{});
            stream_.async_handshake(
                net::ssl::stream_base::client,
                [self = shared_from_this()](error_code tls_error) { self->on_tls(tls_error); });
        } else {
            write();
        }
    }

    void on_tls(error_code ec) {
        if constexpr (std::is_same_v<Stream, TlsHttpStream>) {
            if (ec) {
                UpstreamHttpAnswer answer;
                answer.error = timed_out_ ? "timed out"
                                          : client::tls_failure_text(
                                                client::tls_failure_of(stream_, ec),
                                                url_.host + ":" + std::to_string(url_.port));
                finish(std::move(answer));
                return;
            }
        }
        write();
    }

    void write() {
        http::async_write(stream_, request_,
                          beast::bind_front_handler(&Exchange::on_write, shared_from_this()));
    }

    void on_write(error_code ec, std::size_t) {
        if (ec) {
            fail("write", ec);
            return;
        }
        http::async_read(stream_, buffer_, parser_,
                         beast::bind_front_handler(&Exchange::on_read, shared_from_this()));
    }

    void on_read(error_code ec, std::size_t) {
        if (ec) {
            fail("read", ec);
            return;
        }
        auto& response = parser_.get();
        UpstreamHttpAnswer answer;
        answer.status = static_cast<int>(response.result_int());
        for (const auto& field : response) {
            answer.headers.emplace_back(std::string(field.name_string()),
                                        std::string(field.value()));
        }
        answer.body = std::move(response.body());
        finish(std::move(answer));
    }

    deploy::Url url_;
    std::shared_ptr<net::ssl::context> tls_;  // declared before stream_: outlives it
    std::function<void(UpstreamHttpAnswer)> done_;
    Resolver resolver_;
    ConnectionTimer timer_;
    Stream stream_;
    http::request<http::string_body> request_;
    beast::flat_buffer buffer_;
    http::response_parser<http::string_body> parser_;
    bool timed_out_ = false;
    bool finished_ = false;
};

}  // namespace

std::string UpstreamHttpAnswer::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (same_header_name(key, name)) return value;
    }
    return {};
}

void upstream_http(const ConnectionExecutor& executor, const deploy::Url& url,
                   UpstreamHttpRequest request, std::shared_ptr<net::ssl::context> tls,
                   std::chrono::steady_clock::duration timeout, std::size_t body_limit,
                   std::function<void(UpstreamHttpAnswer)> done) {
    if (url.scheme == "https" || url.scheme == "wss") {
        net::ssl::context& context = *tls;
        auto exchange = std::make_shared<Exchange<TlsHttpStream>>(
            executor, url, std::move(tls), body_limit, std::move(done), context);
        exchange->start(std::move(request), timeout);
        return;
    }
    auto exchange = std::make_shared<Exchange<ConnectionStream>>(executor, url, std::move(tls),
                                                                 body_limit, std::move(done));
    exchange->start(std::move(request), timeout);
}

}  // namespace xiaozhi::server
