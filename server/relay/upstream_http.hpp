// One asynchronous HTTP request to an upstream (health GET, OTA pass-through), plain or TLS.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "connection_types.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::server {

struct UpstreamHttpRequest {
    std::string method = "GET";
    std::string target = "/";                                  // path and query
    std::vector<std::pair<std::string, std::string>> headers;  // Host is set from the URL
    std::string body;
};

struct UpstreamHttpAnswer {
    int status = 0;  // 0: no answer; `error` says why
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;  // "connect: Connection refused", "timed out", "answer too large"

    // The first header of that name (case-insensitive); "" when absent.
    std::string header(std::string_view name) const;
};

// Sends `request` on a fresh connection (Connection: close) to the URL's host and port, TLS
// for https and wss (verified with `tls`), and calls `done` on `executor` once, with the
// answer or the failure; the whole exchange within `timeout`, the answer body at most
// `body_limit` bytes. Never throws.
void upstream_http(const ConnectionExecutor& executor, const deploy::Url& url,
                   UpstreamHttpRequest request, std::shared_ptr<boost::asio::ssl::context> tls,
                   std::chrono::steady_clock::duration timeout, std::size_t body_limit,
                   std::function<void(UpstreamHttpAnswer)> done);

}  // namespace xiaozhi::server
