// One active health check of an upstream: an HTTP GET on its WebSocket port, or a full hello.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "deploy/url.hpp"
#include "settings.hpp"

namespace xiaozhi::server {

// The outcome of one probe: ok, or what failed in words.
struct ProbeResult {
    bool ok = false;
    std::string error;
};

// Probes `url` on `io` within `timeout` and calls `done` there, once.
// http: GET of the URL's path over HTTP (or HTTPS for wss), any 2xx answer is healthy (the
// reference and serve answer 200 "Server is running"). hello: the WebSocket upgrade as the
// device id "xiaozhi-health-check" (a token signed with `auth_key` when it is set), a hello,
// and a hello answer back.
void probe_upstream(boost::asio::io_context& io, const deploy::Url& url,
                    UpstreamSettings::HealthCheck kind, std::string auth_key,
                    std::shared_ptr<boost::asio::ssl::context> tls,
                    std::chrono::steady_clock::duration timeout,
                    std::function<void(ProbeResult)> done);

}  // namespace xiaozhi::server
