// The HTTP side: OTA check, firmware download, health, metrics and the admin API, on plain values.
#pragma once

#include <cstddef>
#include <string>

#include "http_message.hpp"
#include "server_services.hpp"

namespace xiaozhi::server {

// Largest body of a device's or browser's request (an OTA POST is about 1 KiB).
inline constexpr std::size_t device_body_limit = 64 * 1024;
// Largest body of an authorized admin request other than a firmware upload.
inline constexpr std::size_t admin_body_limit = 1024 * 1024;

// Where the body of a request goes, decided from its head before the body is read.
struct BodyPlan {
    enum class Kind { memory, file, reject };
    Kind kind = Kind::memory;
    std::size_t limit = 0;   // bytes; beyond it the answer is 413
    std::string file_dir;    // Kind::file: the folder for the temporary upload file
    HttpResponse rejection;  // Kind::reject: the answer, sent without reading the body
};

// Whether `request` asks for the OTA answer (GET or POST /xiaozhi/ota/), the request
// xiaozhi_ota_answer_seconds times.
bool is_ota_answer_request(const HttpRequest& request);

class HttpRoutes {
  public:
    explicit HttpRoutes(const ServerServices& services);

    // From the request head (no body yet): in memory (device_body_limit, or
    // admin_body_limit for the admin API) except a firmware upload (PUT
    // /xiaozhi/admin/firmware/<model>/<version>), which streams to a file. An admin
    // request whose token or peer the admin checks refuse is rejected before its body.
    BodyPlan plan_body(const HttpRequest& head) const;

    // The answer to a complete request. Never throws: internal errors are a 500
    // with a JSON message. A request's body_file is removed or renamed by the time
    // this returns.
    HttpResponse handle(const HttpRequest& request);

  private:
    ServerServices services_;
};

}  // namespace xiaozhi::server
