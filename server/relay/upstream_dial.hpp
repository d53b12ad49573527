// Dials a relayed session's upstream: resolve, connect, TLS for wss://, the upgrade; then hands the
// raw stream over.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "connection_types.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::server {

using TlsUpstreamSocket = boost::asio::ssl::stream<ConnectionSocket>;

// The upgrade request the upstream gets: the device's own headers, re-signed or not.
struct UpstreamRequest {
    std::string target;  // the upstream URL's path, with the device's query string
    std::vector<std::pair<std::string, std::string>> headers;
};

// How a dial ended. Connected: exactly one stream is set, the upgrade was answered 101 with
// the right Sec-WebSocket-Accept, and `early_bytes` are what the upstream sent after its answer
// (frames already). Otherwise `refused` when the upstream answered the upgrade with an HTTP
// status below 500 (the device's credentials, not the upstream's health), and `reason`.
struct UpstreamDialResult {
    std::unique_ptr<ConnectionSocket> plain;
    std::unique_ptr<TlsUpstreamSocket> tls;
    std::string early_bytes;
    bool refused = false;
    std::string reason;

    bool connected() const { return plain || tls; }
};

class UpstreamDial {
  public:
    virtual ~UpstreamDial() = default;
    // Ends the dial at once; `done` is not called.
    virtual void cancel() = 0;
};

// Dials `url` (ws, or wss verified with `tls`, which it keeps) on `executor` within `timeout`,
// sending `request`; `done` runs once on the executor unless cancelled.
std::shared_ptr<UpstreamDial> dial_upstream(const ConnectionExecutor& executor,
                                            const deploy::Url& url,
                                            std::shared_ptr<boost::asio::ssl::context> tls,
                                            UpstreamRequest request,
                                            std::chrono::steady_clock::duration timeout,
                                            std::function<void(UpstreamDialResult)> done);

}  // namespace xiaozhi::server
