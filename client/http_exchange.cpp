// The one Beast translation unit of the client: HTTP requests and the WebSocket hello exchange,
// over TCP or TLS.
#include "http_exchange.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "tls_client.hpp"

namespace xiaozhi::client {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using Millis = std::chrono::milliseconds;
using Done = std::function<void(error_code)>;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t kAnswerLimit = 64 * 1024 * 1024;
constexpr Millis kDrainTime{2000};

// Time left until a deadline, at least 1 ms so a step still runs once.
class Deadline {
  public:
    explicit Deadline(Millis total) : end_(std::chrono::steady_clock::now() + total) {}
    Millis left() const {
        const auto rest =
            std::chrono::duration_cast<Millis>(end_ - std::chrono::steady_clock::now());
        return std::max(rest, Millis{1});
    }

  private:
    std::chrono::steady_clock::time_point end_;
};

// Starts one asynchronous step and runs the context until it completes or `timeout`
// passes; then `cancel` stops it and the result is timed_out.
template <typename Start, typename Cancel>
error_code run_step(net::io_context& context, Start&& start, Cancel&& cancel, Millis timeout) {
    std::optional<error_code> result;
    start(Done([&result](error_code ec) { result = ec; }));
    context.restart();
    context.run_for(timeout);
    if (result) return *result;
    cancel();
    context.restart();
    context.run_for(kDrainTime);
    return net::error::timed_out;
}

std::string described(std::string_view step, const error_code& ec) {
    if (ec == net::error::timed_out || ec == beast::error::timeout) {
        return std::string(step) + " timed out";
    }
    return std::string(step) + ": " + ec.message();
}

// Resolves host:port and connects `stream`'s lowest layer; "" on success.
template <typename Stream>
std::string resolve_and_connect(net::io_context& context, Stream& stream, const std::string& host,
                                int port, Millis timeout, std::string* stage) {
    tcp::resolver resolver(context);
    tcp::resolver::results_type endpoints;
    error_code ec = run_step(
        context,
        [&](Done done) {
            resolver.async_resolve(host, std::to_string(port),
                                   [&endpoints, done](error_code e, tcp::resolver::results_type r) {
                                       endpoints = std::move(r);
                                       done(e);
                                   });
        },
        [&] { resolver.cancel(); }, timeout);
    if (ec) {
        if (stage) *stage = "resolve";
        return described("resolving " + host, ec);
    }
    auto& lowest = beast::get_lowest_layer(stream);
    ec = run_step(
        context,
        [&](Done done) {
            lowest.async_connect(endpoints,
                                 [done](error_code e, const tcp::endpoint&) { done(e); });
        },
        [&] { lowest.cancel(); }, timeout);
    if (ec) {
        if (stage) *stage = "connect";
        return described("connecting to " + host + ":" + std::to_string(port), ec);
    }
    return {};
}

// Nothing to do on a plain connection.
std::string handshake_if_tls(net::io_context&, beast::tcp_stream&, const std::string&, int,
                             const TlsTrust&, Millis) {
    return {};
}

// The client's TLS handshake; "" on success, else what was wrong, naming host:port.
std::string handshake_if_tls(net::io_context& context, TlsStream& stream, const std::string& host,
                             int port, const TlsTrust& trust, Millis timeout) {
    prepare_tls_stream(stream, host, trust);
    const error_code ec = run_step(
        context, [&](Done done) { stream.async_handshake(net::ssl::stream_base::client, done); },
        [&] { beast::get_lowest_layer(stream).cancel(); }, timeout);
    if (!ec) return {};
    const std::string peer = host + ":" + std::to_string(port);
    if (ec == net::error::timed_out) return described("the TLS handshake with " + peer, ec);
    return tls_failure_text(tls_failure_of(stream, ec), peer);
}

template <typename Body>
void fill_head(http::request<Body>& request, const std::string& host, int port,
               const HttpCall& call) {
    const http::verb verb = http::string_to_verb(call.method);
    if (verb == http::verb::unknown) {
        request.method_string(call.method);
    } else {
        request.method(verb);
    }
    request.target(call.target);
    request.version(11);
    request.set(http::field::host, host + ":" + std::to_string(port));
    request.set(http::field::user_agent, "xiaozhi-ota-push/" XIAOZHI_VERSION);
    request.set(http::field::connection, "close");
    for (const auto& [name, value] : call.headers) request.set(name, value);
}

template <typename Stream, typename Body>
std::string write_request(net::io_context& context, Stream& stream, http::request<Body>& request,
                          const HttpCall& call) {
    request.prepare_payload();
    http::request_serializer<Body> serializer(request);
    const std::uint64_t total = request.payload_size().value_or(0);
    std::uint64_t written = 0;
    while (!serializer.is_done()) {
        std::size_t bytes = 0;
        const error_code ec = run_step(
            context,
            [&](Done done) {
                http::async_write_some(stream, serializer,
                                       [&bytes, done](error_code e, std::size_t n) {
                                           bytes = n;
                                           done(e);
                                       });
            },
            [&] { beast::get_lowest_layer(stream).cancel(); }, call.timeout);
        if (ec) return described("sending the request", ec);
        written += bytes;
        if (call.progress && total > 0) call.progress(std::min(written, total), total);
    }
    return {};
}

template <typename Stream>
HttpAnswer read_answer(net::io_context& context, Stream& stream, const HttpCall& call,
                       Millis timeout) {
    HttpAnswer answer;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kAnswerLimit);
    if (call.method == "HEAD") parser.skip(true);
    const error_code ec = run_step(
        context,
        [&](Done done) {
            http::async_read(stream, buffer, parser,
                             [done](error_code e, std::size_t) { done(e); });
        },
        [&] { beast::get_lowest_layer(stream).cancel(); }, timeout);
    if (ec) {
        answer.error = described("reading the answer", ec);
        return answer;
    }
    const auto& response = parser.get();
    answer.status = static_cast<int>(response.result_int());
    answer.reason = std::string(response.reason());
    for (const auto& field : response) {
        answer.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    answer.body = response.body();
    return answer;
}

// One request and its answer on `stream`, a fresh TCP or TLS stream.
template <typename Stream>
HttpAnswer exchange_over(net::io_context& context, Stream& stream, const std::string& host,
                         int port, const HttpCall& call) {
    HttpAnswer answer;
    answer.error = resolve_and_connect(context, stream, host, port, call.timeout, nullptr);
    if (!answer.error.empty()) return answer;
    answer.error = handshake_if_tls(context, stream, host, port, call.trust, call.timeout);
    if (!answer.error.empty()) return answer;
    std::string write_error;
    if (call.body_file.empty()) {
        http::request<http::string_body> request;
        fill_head(request, host, port, call);
        request.body() = call.body;
        write_error = write_request(context, stream, request, call);
    } else {
        http::request<http::file_body> request;
        fill_head(request, host, port, call);
        error_code ec;
        request.body().open(call.body_file.c_str(), beast::file_mode::scan, ec);
        if (ec) {
            answer.error = "cannot read " + call.body_file + ": " + ec.message();
            return answer;
        }
        write_error = write_request(context, stream, request, call);
    }
    // A server may answer before it read the whole body (a refused upload): read
    // what it said, briefly, before reporting the write error.
    answer = read_answer(context, stream, call, write_error.empty() ? call.timeout : kDrainTime);
    if (answer.status == 0 && !write_error.empty()) answer.error = write_error;
    error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    return answer;
}

// The hello exchange on `ws`, a fresh WebSocket over TCP or TLS.
template <typename WebSocket>
WebSocketAnswer first_reply_over(net::io_context& context, WebSocket& ws,
                                 const WebSocketCall& call) {
    WebSocketAnswer answer;
    const Deadline deadline(call.timeout);
    answer.error =
        resolve_and_connect(context, ws, call.host, call.port, call.timeout, &answer.stage);
    if (!answer.error.empty()) return answer;
    answer.error = handshake_if_tls(context, ws.next_layer(), call.host, call.port, call.trust,
                                    deadline.left());
    if (!answer.error.empty()) {
        answer.stage = "tls";
        return answer;
    }
    const Headers headers = call.headers;
    ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& request) {
        request.set(http::field::user_agent, "xiaozhi-ota-push/" XIAOZHI_VERSION);
        for (const auto& [name, value] : headers) request.set(name, value);
    }));
    const auto cancel = [&] { beast::get_lowest_layer(ws).cancel(); };
    websocket::response_type response;
    const std::string host = call.host + ":" + std::to_string(call.port);
    error_code ec = run_step(
        context, [&](Done done) { ws.async_handshake(response, host, call.target, done); }, cancel,
        deadline.left());
    if (ec) {
        answer.stage = "handshake";
        answer.refusal_status = static_cast<int>(response.result_int());
        answer.error = described("WebSocket handshake", ec);
        return answer;
    }
    ws.text(true);
    ec = run_step(
        context,
        [&](Done done) {
            ws.async_write(net::buffer(call.send_text),
                           [done](error_code e, std::size_t) { done(e); });
        },
        cancel, deadline.left());
    if (ec) {
        answer.stage = "send";
        answer.error = described("sending hello", ec);
        return answer;
    }
    beast::flat_buffer buffer;
    while (true) {
        buffer.consume(buffer.size());
        ec = run_step(
            context,
            [&](Done done) {
                ws.async_read(buffer, [done](error_code e, std::size_t) { done(e); });
            },
            cancel, deadline.left());
        if (ec) {
            answer.stage = "read";
            answer.error = described("waiting for the server's hello", ec);
            return answer;
        }
        if (ws.got_text()) break;
    }
    answer.reply = beast::buffers_to_string(buffer.data());
    run_step(
        context, [&](Done done) { ws.async_close(websocket::close_code::normal, done); }, cancel,
        std::min(deadline.left(), kDrainTime));
    return answer;
}

}  // namespace

std::string HttpAnswer::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (std::equal(key.begin(), key.end(), name.begin(), name.end(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            })) {
            return value;
        }
    }
    return {};
}

HttpAnswer http_exchange(const std::string& host, int port, const HttpCall& call) {
    HttpAnswer answer;
    try {
        net::io_context context;
        if (!call.tls) {
            beast::tcp_stream stream(context);
            return exchange_over(context, stream, host, port, call);
        }
        net::ssl::context tls = make_tls_client_context(call.trust);
        TlsStream stream(context, tls);
        return exchange_over(context, stream, host, port, call);
    } catch (const std::exception& failure) {
        answer.error = failure.what();
    }
    return answer;
}

WebSocketAnswer websocket_first_reply(const WebSocketCall& call) {
    WebSocketAnswer answer;
    try {
        net::io_context context;
        if (!call.tls) {
            websocket::stream<beast::tcp_stream> ws(context);
            return first_reply_over(context, ws, call);
        }
        net::ssl::context tls = make_tls_client_context(call.trust);
        websocket::stream<TlsStream> ws(context, tls);
        return first_reply_over(context, ws, call);
    } catch (const std::exception& failure) {
        answer.stage = call.tls ? "tls" : "connect";
        answer.error = failure.what();
    }
    return answer;
}

}  // namespace xiaozhi::client
