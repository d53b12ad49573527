// HttpRoutes: dispatch by path and method, CORS on every answer, no exception escapes.
#include "http_routes.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "admin_access.hpp"
#include "admin_api.hpp"
#include "error_response.hpp"
#include "firmware_upload.hpp"
#include "log_event.hpp"
#include "ota_endpoint.hpp"

namespace xiaozhi::server {

namespace {

constexpr std::string_view kOtaPath = "/xiaozhi/ota/";
constexpr std::string_view kDownloadPrefix = "/xiaozhi/ota/download/";
constexpr std::string_view kFirmwarePrefix = "/xiaozhi/admin/firmware/";

void add_cors(HttpResponse& response) {
    response.set_header("Access-Control-Allow-Origin", "*");
    response.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS");
    response.set_header("Access-Control-Allow-Headers",
                        "Device-Id, Client-Id, Authorization, Content-Type, Protocol-Version, "
                        "If-Match, Activation-Version, Accept-Language, X-Content-SHA256, "
                        "X-No-Image-Check, X-Confirm-Within, X-Xiaozhi-Author, X-Xiaozhi-Message");
    response.set_header("Access-Control-Expose-Headers", "ETag, Location");
}

HttpResponse method_not_allowed(std::string_view allowed) {
    HttpResponse response = error_response(405, "method not allowed; use " + std::string(allowed));
    response.set_header("Allow", std::string(allowed));
    return response;
}

bool is_read(const std::string& method) {
    return method == "GET" || method == "HEAD";
}

// "degraded" (still 200: OTA answers go on) while the relay has no healthy upstream or the
// fleet's etcd does not answer.
HttpResponse health(const RunningConfig& config, const ServerServices& services) {
    const SessionRegistry& sessions = services.sessions;
    const UpstreamPool& upstreams = services.upstreams;
    const bool relay = config.settings.backend == ServerSettings::Backend::relay;
    const bool fleet = services.fleet.configured();
    const bool degraded =
        (relay && !upstreams.any_healthy()) || (fleet && !services.fleet.connected());
    nlohmann::json body{{"status", degraded ? "degraded" : "ok"},
                        {"websocket_url", config.websocket_url},
                        {"ota_url", config.ota_url},
                        {"sessions", sessions.size()},
                        {"pid", static_cast<int>(::getpid())},
                        {"ports",
                         {{"websocket", config.bound.websocket},
                          {"http", config.bound.http},
                          {"tls", config.bound.tls}}}};
    if (relay) body["upstreams_healthy"] = upstreams.healthy_count();
    if (fleet) {
        body["fleet"] = {{"connected", services.fleet.connected()},
                         {"instances", services.fleet.instances().size()}};
    }
    return json_response(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse route(const HttpRequest& request, const ServerServices& services) {
    const std::string& path = request.path;
    const std::string& method = request.method;
    if (method == "OPTIONS") {
        HttpResponse response;
        response.status = 204;
        return response;
    }
    const auto now = std::chrono::system_clock::now();
    if (path == kOtaPath || path == kOtaPath.substr(0, kOtaPath.size() - 1)) {
        if (method != "GET" && method != "POST") return method_not_allowed("GET, POST, OPTIONS");
        const std::shared_ptr<const RunningConfig> running = services.control.current();
        return ota_check(
            request, *running, *services.firmware.names(running->settings.firmware_dir),
            services.metrics, now,
            services.fleet.websocket_url_for(request.header("Device-Id"), running->websocket_url,
                                             running->remote_revision));
    }
    if (path.starts_with(kDownloadPrefix)) {
        if (!is_read(method)) return method_not_allowed("GET, HEAD");
        return firmware_download(std::string_view(path).substr(kDownloadPrefix.size()),
                                 *services.control.current());
    }
    if (path == "/healthz") {
        if (!is_read(method)) return method_not_allowed("GET, HEAD");
        return health(*services.control.current(), services);
    }
    if (path == "/metrics") {
        if (!is_read(method)) return method_not_allowed("GET, HEAD");
        std::string text = render_prometheus(services.metrics);
        services.upstreams.render_prometheus(text);
        services.fleet.render_prometheus(text);
        HttpResponse response = text_response(200, std::move(text));
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        return response;
    }
    if (path == "/xiaozhi/v1/" || path == "/xiaozhi/v1") {
        if (!is_read(method)) return method_not_allowed("GET");
        return text_response(200, "Server is running\n");
    }
    if (path.starts_with(admin_prefix)) {
        const std::shared_ptr<const RunningConfig> running = services.control.current();
        if (auto refusal = admin_refusal(request, running->settings)) return std::move(*refusal);
        HttpResponse response = admin_request(
            request, std::string_view(path).substr(admin_prefix.size()), services.control, now);
        // An uploaded image is offered from the next OTA check on.
        if (path.starts_with(kFirmwarePrefix)) services.firmware.invalidate();
        return response;
    }
    return error_response(404, "not found: " + path);
}

}  // namespace

bool is_ota_answer_request(const HttpRequest& request) {
    const bool ota_path =
        request.path == kOtaPath || request.path == kOtaPath.substr(0, kOtaPath.size() - 1);
    return ota_path && (request.method == "GET" || request.method == "POST");
}

HttpRoutes::HttpRoutes(const ServerServices& services) : services_(services) {}

BodyPlan HttpRoutes::plan_body(const HttpRequest& head) const {
    BodyPlan plan;
    if (!head.path.starts_with(admin_prefix)) {
        plan.limit = device_body_limit;
        return plan;
    }
    plan.limit = admin_body_limit;
    try {
        const std::shared_ptr<const RunningConfig> running = services_.control.current();
        // Authorized from the head alone, so no body is read for a refused request.
        std::optional<HttpResponse> refusal = admin_refusal(head, running->settings);
        if (!refusal && (head.method != "PUT" || !head.path.starts_with(kFirmwarePrefix))) {
            return plan;
        }
        std::string error;
        if (!refusal && !parse_firmware_target(
                            std::string_view(head.path).substr(kFirmwarePrefix.size()), error)) {
            refusal = error_response(400, error);
        }
        if (!refusal) {
            std::filesystem::create_directories(running->settings.firmware_dir);
            plan.kind = BodyPlan::Kind::file;
            plan.limit = firmware_upload_limit;
            plan.file_dir = running->settings.firmware_dir;
            return plan;
        }
        plan.rejection = std::move(*refusal);
    } catch (const std::exception& failure) {
        log_error("admin_request_failed", "admin request refused",
                  {{"path", head.path}, {"error", failure.what()}});
        plan.rejection =
            error_response(500, std::string("cannot accept the request: ") + failure.what());
    }
    plan.kind = BodyPlan::Kind::reject;
    add_cors(plan.rejection);
    return plan;
}

HttpResponse HttpRoutes::handle(const HttpRequest& request) {
    HttpResponse response;
    try {
        response = route(request, services_);
    } catch (const std::exception& failure) {
        log_error("http_request_failed", "http request failed",
                  {{"method", request.method}, {"path", request.path}, {"error", failure.what()}});
        response = error_response(500, std::string("internal error: ") + failure.what());
    } catch (...) {
        log_error("http_request_failed", "http request failed",
                  {{"method", request.method}, {"path", request.path}});
        response = error_response(500, "internal error");
    }
    if (!request.body_file.empty()) {
        std::error_code ignored;
        std::filesystem::remove(request.body_file, ignored);
    }
    add_cors(response);
    return response;
}

}  // namespace xiaozhi::server
