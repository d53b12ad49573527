// Fuzz target: an HTTP request head through Beast's parser, then the server's routing decisions.
// Covers Beast's request_parser<empty_body> with http_connection.cpp's limits, a copy of its
// private to_plain (device_session.cpp's plain_head is the same), then HttpRoutes::plan_body
// for a plain request or decide_handshake and rejection_response for a WebSocket upgrade. It
// does not read bodies, nor run HttpRoutes::handle.
#include <stdlib.h>

#include <filesystem>
#include <limits>
#include <memory>
#include <string>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "device_handshake.hpp"
#include "fuzz_input.hpp"
#include "http_head.hpp"
#include "http_routes.hpp"
#include "server_control.hpp"

using namespace xiaozhi;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;  // http_connection.cpp's max_header_bytes
constexpr std::int64_t kNow = 1'750'000'000;

// A fixed configuration: admin API on for loopback, device authentication on.
class FixedControl : public server::ServerControl {
  public:
    FixedControl() {
        auto running = std::make_shared<server::RunningConfig>();
        char folder[] = "/tmp/xiaozhi-fuzz-XXXXXX";
        folder_ = ::mkdtemp(folder);
        running->settings.firmware_dir = folder_ + "/bin";
        running->settings.admin_token = "fuzz-admin-token";
        running->settings.auth.enabled = true;
        running->settings.auth.key = "fuzz-auth-key";
        running->settings.auth.allowed_devices = {"aa:bb:cc:dd:ee:ff"};
        running_ = running;
    }
    ~FixedControl() override { std::filesystem::remove_all(folder_); }
    std::shared_ptr<const server::RunningConfig> current() const override { return running_; }
    server::ApplyResult apply_remote(const config::Layer&,
                                     const std::function<std::string()>&) override {
        return {};
    }

  private:
    std::string folder_;  // holds the firmware folder plan_body creates
    std::shared_ptr<const server::RunningConfig> running_;
};

struct Server {
    FixedControl control;
    server::Metrics metrics;
    server::SessionRegistry sessions;
    server::FirmwareListing firmware;
    server::UpstreamPool upstreams;
    server::FleetDirectory fleet;
    server::ServerServices services{control, metrics, sessions, firmware, upstreams, fleet};
    server::HttpRoutes routes{services};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Server server;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::error_code error;
    parser.put(boost::asio::const_buffer(data, size), error);
    if (error || !parser.is_header_done()) return 0;
    const auto& head = parser.get();
    const server::HttpRequest request = server::plain_request(head, "127.0.0.1", 40000);
    if (beast::websocket::is_upgrade(head)) {
        const server::HandshakeDecision decision =
            server::decide_handshake(request, server.control.current()->settings, kNow);
        if (decision.outcome == server::HandshakeOutcome::reject) {
            fuzz::require(!server::rejection_response(decision).body.empty(),
                          "a rejection has a body");
        }
        return 0;
    }
    const server::BodyPlan plan = server.routes.plan_body(request);
    fuzz::require(plan.kind != server::BodyPlan::Kind::reject || plan.rejection.status >= 400,
                  "a rejected head is answered with an error");
    return 0;
}
