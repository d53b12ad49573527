// The HTTP side: OTA check, firmware download, health, metrics and the admin API, on plain values.
#pragma once

#include <cstddef>
#include <string>

#include "http_message.hpp"
#include "server_services.hpp"

namespace xiaozhi::server {

// Where the body of a request goes, decided from its head before the body is read.
struct BodyPlan {
    enum class Kind { memory, file, reject };
    Kind kind = Kind::memory;
    std::size_t limit = 1024 * 1024;  // bytes; beyond it the answer is 413
    std::string file_dir;             // Kind::file: the folder for the temporary upload file
    HttpResponse rejection;           // Kind::reject: the answer, sent without reading the body
};

class HttpRoutes {
  public:
    explicit HttpRoutes(const ServerServices& services);

    // From the request head (no body yet): in memory for everything except a
    // firmware upload (PUT /xiaozhi/admin/firmware/<model>/<version>), which streams
    // to a file once the admin checks pass; rejected early when they fail.
    BodyPlan plan_body(const HttpRequest& head) const;

    // The answer to a complete request. Never throws: internal errors are a 500
    // with a JSON message. A request's body_file is removed or renamed by the time
    // this returns.
    HttpResponse handle(const HttpRequest& request);

  private:
    ServerServices services_;
};

}  // namespace xiaozhi::server
