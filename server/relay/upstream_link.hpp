// A relayed session's WebSocket client connection to its upstream (ws:// or wss://).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include "connection_types.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::server {

// What the link tells its session, on the session's executor.
class UpstreamLinkEvents {
  public:
    virtual ~UpstreamLinkEvents() = default;
    // The upgrade was answered 101: messages may flow.
    virtual void upstream_open() = 0;
    // The connection could not be made: `refused` when the upstream answered the upgrade
    // with an HTTP status (the device's credentials, not the upstream's health), and the
    // reason in words.
    virtual void upstream_failed(bool refused, std::string reason) = 0;
    // One whole message from the upstream.
    virtual void upstream_message(bool text, std::string payload) = 0;
    // The upstream closed: with a close frame (`clean`, its code and reason) or without one.
    virtual void upstream_closed(bool clean, std::uint16_t code, std::string reason) = 0;
};

// The upgrade request the upstream gets: the device's own headers, re-signed or not.
struct UpstreamRequest {
    std::string target;  // the upstream URL's path, with the device's query string
    std::vector<std::pair<std::string, std::string>> headers;
};

class UpstreamLink {
  public:
    virtual ~UpstreamLink() = default;
    // Resolves, connects, does TLS for wss and the upgrade, within `timeout`; then reads
    // messages until closed. Events go to `events` while it lives.
    virtual void connect(const UpstreamRequest& request,
                         std::chrono::steady_clock::duration timeout) = 0;
    // Sends one message; `done` runs when it is written (or failed). One at a time.
    virtual void send(bool text, const void* data, std::size_t size,
                      std::function<void(boost::system::error_code)> done) = 0;
    // A close frame with `code` and `reason`, then the socket; or the socket at once when
    // nothing is open yet. Safe to call more than once.
    virtual void close(std::uint16_t code, std::string reason) = 0;
};

// A link on `executor` to `url` (ws, or wss verified with `tls`, which it keeps).
std::shared_ptr<UpstreamLink> make_upstream_link(const ConnectionExecutor& executor,
                                                 const deploy::Url& url,
                                                 std::shared_ptr<boost::asio::ssl::context> tls,
                                                 std::weak_ptr<UpstreamLinkEvents> events,
                                                 std::size_t max_message_size);

}  // namespace xiaozhi::server
