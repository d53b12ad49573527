// pass_ota_through: the forwarded request, the rewritten answer, the fallback.
#include "relay/ota_passthrough.hpp"

#include <chrono>

#include "deploy/url.hpp"
#include "log_event.hpp"
#include "ota_endpoint.hpp"
#include "protocol/device_token.hpp"
#include "protocol/ota_rewrite.hpp"
#include "relay/upstream_http.hpp"
#include "relay/upstream_request.hpp"

namespace xiaozhi::server {

namespace {

// The largest OTA answer taken from the upstream.
constexpr std::size_t kOtaAnswerLimit = 1024 * 1024;

std::int64_t unix_seconds(std::chrono::system_clock::time_point when) {
    return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

// A firmware URL devices could not download from: not a URL, a placeholder, or a host that
// is this machine from the device's side.
const char* firmware_url_problem(const std::string& url) {
    if (url.empty()) return nullptr;
    if (deploy::is_placeholder(url)) return "a placeholder";
    const auto parsed = deploy::parse_url(url);
    if (!parsed) return "not a URL";
    if (parsed->scheme != "http" && parsed->scheme != "https") return "not http or https";
    if (deploy::is_loopback(parsed->host) || deploy::is_unspecified(parsed->host)) {
        return "a loopback or unspecified host devices cannot reach";
    }
    return nullptr;
}

// Serve's own answer, or 502, when the upstream OTA failed for `reason`.
HttpResponse fallback(const HttpRequest& request, const ServerServices& services,
                      const std::shared_ptr<const RunningConfig>& running,
                      const std::string& reason) {
    const bool local =
        running->settings.upstream.ota_fallback == UpstreamSettings::OtaFallback::local;
    services.metrics.ota_requests.add(local ? "passthrough_fallback" : "passthrough_failed");
    log_warn("ota_upstream_failed", "upstream OTA failed",
             {{"peer", request.peer_address},
              {"device", request.header("Device-Id")},
              {"upstream", running->settings.upstream.ota},
              {"error", reason},
              {"answer", local ? "local" : "502"}});
    if (!local) return json_response(502, R"({"error":"the upstream OTA endpoint failed"})");
    return ota_check(
        request, *running, *services.firmware.names(running->settings.firmware_dir),
        services.metrics, std::chrono::system_clock::now(),
        services.fleet.websocket_url_for(request.header("Device-Id"), running->websocket_url,
                                         running->remote_revision));
}

HttpResponse answer_from(const UpstreamHttpAnswer& upstream, const HttpRequest& request,
                         const ServerServices& services,
                         const std::shared_ptr<const RunningConfig>& running) {
    if (upstream.status == 0) return fallback(request, services, running, upstream.error);
    if (upstream.status >= 500) {
        return fallback(request, services, running, "answered " + std::to_string(upstream.status));
    }
    const ServerSettings& settings = running->settings;
    if (upstream.status != 200) {
        services.metrics.ota_requests.add("passthrough");
        HttpResponse response = json_response(upstream.status, upstream.body);
        const std::string type = upstream.header("Content-Type");
        if (!type.empty()) response.content_type = type;
        return response;
    }
    std::optional<std::string> token;
    if (settings.auth.enabled) {
        token = protocol::make_token(settings.auth.key, request.header("Client-Id"),
                                     request.header("Device-Id"),
                                     unix_seconds(std::chrono::system_clock::now()));
    }
    // In a fleet, the instance the fleet chooses; otherwise this one.
    const std::string websocket_url = services.fleet.websocket_url_for(
        request.header("Device-Id"), running->websocket_url, running->remote_revision);
    const auto rewritten = protocol::rewrite_ota_answer(upstream.body, websocket_url, token);
    if (!rewritten) return fallback(request, services, running, "the answer is not a JSON object");
    if (const char* problem = firmware_url_problem(rewritten->firmware_url)) {
        log_warn("ota_upstream_firmware_url", "upstream OTA firmware URL is wrong",
                 {{"url", rewritten->firmware_url}, {"problem", problem}});
    }
    services.metrics.ota_requests.add("passthrough");
    log_info("ota_passed_through", "ota passed through",
             {{"device", request.header("Device-Id")},
              {"upstream_websocket", rewritten->upstream_websocket_url},
              {"websocket", rewritten->had_websocket ? websocket_url : std::string()}});
    return json_response(200, rewritten->body);
}

}  // namespace

bool passes_ota_through(const RunningConfig& config) {
    return config.settings.upstream.ota_parsed.has_value();
}

void pass_ota_through(const ConnectionExecutor& executor, const HttpRequest& request,
                      const ServerServices& services, std::function<void(HttpResponse)> done) {
    const std::shared_ptr<const RunningConfig> running = services.control.current();
    const UpstreamSettings& upstream = running->settings.upstream;
    const deploy::Url& url = *upstream.ota_parsed;
    const UpstreamRequest forwarded =
        upstream_request(request, url.path, url.query, {}, request.peer_address, "",
                         unix_seconds(std::chrono::system_clock::now()));
    UpstreamHttpRequest call;
    call.method = request.method;
    call.target = forwarded.target;
    // The answer is rewritten, so it must come uncompressed.
    for (const auto& header : forwarded.headers) {
        if (!same_header_name(header.first, "accept-encoding")) call.headers.push_back(header);
    }
    call.body = request.body;
    upstream_http(executor, url, std::move(call), services.upstreams.tls_context(),
                  upstream.ota_timeout, kOtaAnswerLimit,
                  [request, &services, running, done = std::move(done)](UpstreamHttpAnswer answer) {
                      done(answer_from(answer, request, services, running));
                  });
}

}  // namespace xiaozhi::server
