// probe_upstream: the GET through upstream_http, the hello through the relay's dialer and scanner.
#include "relay/upstream_probe.hpp"

#include <array>
#include <span>
#include <variant>

#include <boost/asio/write.hpp>

#include "protocol/device_message.hpp"
#include "protocol/device_token.hpp"
#include "protocol/server_message.hpp"
#include "relay/upstream_dial.hpp"
#include "relay/upstream_http.hpp"
#include "relay/websocket_frames.hpp"
#include "relay/websocket_scanner.hpp"

namespace xiaozhi::server {

namespace {

constexpr const char* kProbeDeviceId = "xiaozhi-health-check";
constexpr const char* kProbeClientId = "00000000-0000-4000-8000-000000000000";
constexpr std::size_t kProbeAnswerLimit = 64 * 1024;

// The hello probe: dials as a device would, sends a masked hello and reads the answer's frames
// with the relay's scanner; kept alive by its handlers and its timer.
class HelloProbe final : public std::enable_shared_from_this<HelloProbe> {
  public:
    HelloProbe(boost::asio::io_context& io, std::function<void(ProbeResult)> done)
        : executor_(io.get_executor()), timer_(executor_), done_(std::move(done)) {}

    void start(const deploy::Url& url, const std::string& auth_key,
               std::shared_ptr<boost::asio::ssl::context> tls,
               std::chrono::steady_clock::duration timeout) {
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
        dial_ = dial_upstream(executor_, url, std::move(tls), std::move(request), timeout,
                              [self = shared_from_this()](UpstreamDialResult result) {
                                  self->on_dialed(std::move(result));
                              });
    }

  private:
    void on_dialed(UpstreamDialResult result) {
        dial_.reset();
        if (finished_) return;
        if (!result.connected()) {
            finish({false, std::move(result.reason)});
            return;
        }
        plain_ = std::move(result.plain);
        tls_ = std::move(result.tls);
        scanner_.keep_texts(true);
        protocol::DeviceHello hello;
        hello.audio_params = protocol::AudioParams{};
        hello_ = relay::websocket_frame(0x1, protocol::to_text(hello), relay::random_mask());
        with_stream([&](auto& stream) {
            boost::asio::async_write(
                stream, boost::asio::buffer(hello_),
                [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                    if (ec) self->finish({false, "hello: " + ec.message()});
                });
        });
        if (!result.early_bytes.empty() &&
            answered(std::span(reinterpret_cast<const std::uint8_t*>(result.early_bytes.data()),
                               result.early_bytes.size()))) {
            return;
        }
        read();
    }

    template <typename F>
    void with_stream(F&& f) {
        if (plain_) {
            f(*plain_);
        } else if (tls_) {
            f(*tls_);
        }
    }

    void read() {
        with_stream([&](auto& stream) {
            stream.async_read_some(boost::asio::buffer(buffer_), [self = shared_from_this()](
                                                                     boost::system::error_code ec,
                                                                     std::size_t size) {
                if (self->finished_) return;
                if (ec) {
                    self->finish({false, "closed before the hello answer (" + ec.message() + ")"});
                    return;
                }
                if (!self->answered(std::span(self->buffer_.data(), size))) self->read();
            });
        });
    }

    // Whether `bytes` decided the outcome: a first text message, a close frame or a problem.
    bool answered(std::span<const std::uint8_t> bytes) {
        const relay::ScanResult scanned = scanner_.scan(bytes);
        if (!scanned.texts.empty()) {
            const bool hello = std::holds_alternative<protocol::ServerHello>(
                protocol::parse_server_message(scanned.texts[0]));
            finish(hello ? ProbeResult{true, ""}
                         : ProbeResult{false, "the first answer was not a hello"});
        } else if (scanned.close) {
            finish({false, "closed before the hello answer (" +
                               std::to_string(scanned.close->code) + " " + scanned.close->reason +
                               ")"});
        } else if (scanned.problem != relay::ScanProblem::none) {
            finish({false, std::string(relay::describe(scanned.problem))});
        } else {
            return false;
        }
        return true;
    }

    void finish(ProbeResult result) {
        if (finished_) return;
        finished_ = true;
        timer_.cancel();
        if (dial_) dial_->cancel();
        boost::system::error_code ignored;
        with_stream([&](auto& stream) { stream.lowest_layer().close(ignored); });
        done_(std::move(result));
    }

    ConnectionExecutor executor_;
    ConnectionTimer timer_;
    std::function<void(ProbeResult)> done_;
    std::shared_ptr<UpstreamDial> dial_;
    std::unique_ptr<ConnectionSocket> plain_;
    std::unique_ptr<TlsUpstreamSocket> tls_;
    relay::WebSocketScanner scanner_{false, kProbeAnswerLimit};
    std::array<std::uint8_t, 4096> buffer_{};
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
        probe->start(url, auth_key, std::move(tls), timeout);
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
