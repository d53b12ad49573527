// probe_upstream: the GET through upstream_http, the hello through an UpstreamLink.
#include "relay/upstream_probe.hpp"

#include <variant>

#include "protocol/device_message.hpp"
#include "protocol/device_token.hpp"
#include "protocol/server_message.hpp"
#include "relay/upstream_http.hpp"
#include "relay/upstream_link.hpp"

namespace xiaozhi::server {

namespace {

constexpr const char* kProbeDeviceId = "xiaozhi-health-check";
constexpr const char* kProbeClientId = "00000000-0000-4000-8000-000000000000";
constexpr std::size_t kProbeAnswerLimit = 64 * 1024;

// The hello probe: a link whose events decide the outcome, kept alive by its timer.
class HelloProbe final : public UpstreamLinkEvents,
                         public std::enable_shared_from_this<HelloProbe> {
  public:
    HelloProbe(boost::asio::io_context& io, std::function<void(ProbeResult)> done)
        : timer_(io.get_executor()), done_(std::move(done)) {}

    void start(boost::asio::io_context& io, const deploy::Url& url, const std::string& auth_key,
               std::shared_ptr<boost::asio::ssl::context> tls,
               std::chrono::steady_clock::duration timeout) {
        link_ = make_upstream_link(io.get_executor(), url, std::move(tls),
                                   std::weak_ptr<UpstreamLinkEvents>(shared_from_this()),
                                   kProbeAnswerLimit);
        UpstreamRequest request;
        request.target = url.path.empty() ? "/" : url.path;
        if (!url.query.empty()) request.target += "?" + url.query;
        request.headers = {{"Device-Id", kProbeDeviceId},
                           {"Client-Id", kProbeClientId},
                           {"Protocol-Version", "1"}};
        if (!auth_key.empty()) {
            const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
            request.headers.emplace_back(
                "Authorization",
                "Bearer " + protocol::make_token(auth_key, kProbeClientId, kProbeDeviceId, now));
        }
        timer_.expires_after(timeout);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) self->finish({false, "no hello answer in time"});
        });
        link_->connect(request, timeout);
    }

    void upstream_open() override {
        protocol::DeviceHello hello;
        hello.audio_params = protocol::AudioParams{};
        hello_ = protocol::to_text(hello);
        link_->send(true, hello_.data(), hello_.size(), [](boost::system::error_code) {});
    }

    void upstream_failed(bool, std::string reason) override { finish({false, std::move(reason)}); }

    void upstream_message(bool text, std::string payload) override {
        if (!text) return;
        const protocol::ServerMessage message = protocol::parse_server_message(payload);
        if (std::holds_alternative<protocol::ServerHello>(message)) {
            finish({true, ""});
        } else {
            finish({false, "the first answer was not a hello"});
        }
    }

    void upstream_closed(bool, std::uint16_t code, std::string reason) override {
        finish({false,
                "closed before the hello answer (" + std::to_string(code) + " " + reason + ")"});
    }

  private:
    void finish(ProbeResult result) {
        if (finished_) return;
        finished_ = true;
        timer_.cancel();
        link_->close(1000, "health check");
        done_(std::move(result));
    }

    ConnectionTimer timer_;
    std::function<void(ProbeResult)> done_;
    std::shared_ptr<UpstreamLink> link_;
    std::string hello_;
    bool finished_ = false;
};

}  // namespace

void probe_upstream(boost::asio::io_context& io, const deploy::Url& url,
                    UpstreamSettings::HealthCheck kind, std::string auth_key,
                    std::shared_ptr<boost::asio::ssl::context> tls,
                    std::chrono::steady_clock::duration timeout,
                    std::function<void(ProbeResult)> done) {
    if (kind == UpstreamSettings::HealthCheck::hello) {
        auto probe = std::make_shared<HelloProbe>(io, std::move(done));
        probe->start(io, url, auth_key, std::move(tls), timeout);
        return;
    }
    UpstreamHttpRequest request;
    request.target = url.path.empty() ? "/" : url.path;
    upstream_http(io.get_executor(), url, std::move(request), std::move(tls), timeout,
                  kProbeAnswerLimit, [done = std::move(done)](UpstreamHttpAnswer answer) {
                      if (answer.status >= 200 && answer.status < 300) {
                          done({true, ""});
                      } else if (answer.status != 0) {
                          done({false, "answered " + std::to_string(answer.status)});
                      } else {
                          done({false, answer.error});
                      }
                  });
}

}  // namespace xiaozhi::server
