// EtcdClient: a connection per request (fleet traffic is a few requests a second), HTTP/1.1 POST.
#include "fleet/etcd_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace xiaozhi::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using error_code = boost::system::error_code;

// Largest answer read: a registry of many instances, or a history of remote layers.
constexpr std::uint64_t kAnswerLimit = 16 * 1024 * 1024;

}  // namespace

EtcdClient::EtcdClient(Options options) : options_(std::move(options)) {
    if (options_.endpoints.empty()) throw std::invalid_argument("fleet.etcd lists no endpoint");
}

std::string EtcdClient::call(std::string_view path, const std::string& body) {
    if (options_.user.empty()) {
        std::string answer = call_members(path, body);
        if (fleet::is_user_required(answer)) {
            throw EtcdAuthFailed(
                "etcd's authentication is enabled: set fleet.user and fleet.password (etcd "
                "said: user name is empty)");
        }
        return answer;
    }
    if (token_.empty()) authenticate();
    std::string answer = call_members(path, body);
    if (fleet::is_invalid_token(answer)) {
        authenticate();
        answer = call_members(path, body);
    }
    return answer;
}

std::string EtcdClient::auth_token() {
    if (!options_.user.empty() && token_.empty()) authenticate();
    return token_;
}

void EtcdClient::authenticate() {
    token_.clear();
    const std::string answer = call_members(
        "/v3/auth/authenticate", fleet::authenticate_request(options_.user, options_.password));
    try {
        token_ = fleet::parse_auth_token(answer);
    } catch (const std::runtime_error& error) {
        throw EtcdAuthFailed("etcd refused fleet.user " + options_.user + ": " + error.what());
    }
}

std::string EtcdClient::call_members(std::string_view path, const std::string& body) {
    std::string failures;
    for (std::size_t i = 0; i < options_.endpoints.size(); ++i) {
        const std::size_t index = (preferred_ + i) % options_.endpoints.size();
        const deploy::Url& endpoint = options_.endpoints[index];
        std::string failure;
        std::string answer = post(endpoint, path, body, failure);
        if (failure.empty()) {
            preferred_ = index;
            return answer;
        }
        if (!failures.empty()) failures += "; ";
        failures += endpoint.host + ":" + std::to_string(endpoint.port) + ": " + failure;
    }
    throw EtcdUnavailable("etcd unreachable (" + failures + ")");
}

std::string EtcdClient::post(const deploy::Url& endpoint, std::string_view path,
                             const std::string& body, std::string& failure) {
    beast::tcp_stream stream(io_);
    net::ip::tcp::resolver resolver(io_);
    beast::flat_buffer buffer;
    http::request<http::string_body> request{http::verb::post, std::string(path), 11};
    request.set(http::field::host, endpoint.host + ":" + std::to_string(endpoint.port));
    request.set(http::field::content_type, "application/json");
    request.set(http::field::connection, "close");
    if (!token_.empty()) request.set(http::field::authorization, token_);
    request.body() = body;
    request.prepare_payload();
    http::response_parser<http::string_body> parser;
    parser.body_limit(kAnswerLimit);
    error_code result;
    const char* step = "resolve";
    stream.expires_after(options_.timeout);
    resolver.async_resolve(
        endpoint.host, std::to_string(endpoint.port),
        [&](error_code ec, const net::ip::tcp::resolver::results_type& results) {
            if (ec) {
                result = ec;
                return;
            }
            step = "connect";
            stream.async_connect(results, [&](error_code ec, const net::ip::tcp::endpoint&) {
                if (ec) {
                    result = ec;
                    return;
                }
                step = "send";
                http::async_write(stream, request, [&](error_code ec, std::size_t) {
                    if (ec) {
                        result = ec;
                        return;
                    }
                    step = "read";
                    http::async_read(stream, buffer, parser,
                                     [&](error_code ec, std::size_t) { result = ec; });
                });
            });
        });
    io_.restart();
    // The resolver has no timeout of its own: the whole call gets twice the one of the stream.
    io_.run_for(2 * options_.timeout);
    if (!io_.stopped()) {
        resolver.cancel();
        stream.close();
        io_.run();
        failure = std::string("no answer within ") + std::to_string(options_.timeout.count()) +
                  " ms (" + step + ")";
        return {};
    }
    if (result) {
        failure = std::string(step) + ": " + result.message();
        return {};
    }
    const auto& answer = parser.get();
    if (answer.result_int() >= 500) {
        failure = "answered " + std::to_string(answer.result_int());
        return {};
    }
    return answer.body();
}

fleet::EtcdRange EtcdClient::range(std::string_view key, bool prefix) {
    return fleet::parse_range(call("/v3/kv/range", fleet::range_request(key, prefix)));
}

std::int64_t EtcdClient::put(std::string_view key, std::string_view value, std::int64_t lease) {
    return fleet::parse_revision(call("/v3/kv/put", fleet::put_request(key, value, lease)));
}

bool EtcdClient::put_if_revision(std::string_view key, std::string_view value,
                                 std::int64_t mod_revision, std::int64_t lease) {
    return fleet::parse_txn_succeeded(
        call("/v3/kv/txn", fleet::put_if_revision_request(key, value, mod_revision, lease)));
}

fleet::EtcdTxnResult EtcdClient::txn(const std::vector<fleet::EtcdCompare>& compares,
                                     const std::vector<fleet::EtcdOperation>& success) {
    return fleet::parse_txn(call("/v3/kv/txn", fleet::txn_request(compares, success)));
}

std::int64_t EtcdClient::remove(std::string_view key, bool prefix) {
    return fleet::parse_revision(call("/v3/kv/deleterange", fleet::delete_request(key, prefix)));
}

fleet::EtcdLease EtcdClient::grant(std::int64_t ttl_seconds) {
    return fleet::parse_lease(call("/v3/lease/grant", fleet::lease_grant_request(ttl_seconds)));
}

fleet::EtcdLease EtcdClient::keep_alive(std::int64_t lease) {
    return fleet::parse_lease(call("/v3/lease/keepalive", fleet::lease_id_request(lease)));
}

void EtcdClient::revoke(std::int64_t lease) {
    fleet::parse_revision(call("/v3/lease/revoke", fleet::lease_id_request(lease)));
}

}  // namespace xiaozhi::server
