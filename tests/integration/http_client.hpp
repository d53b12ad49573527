// A small blocking HTTP/1.1 client over POSIX sockets for integration tests (127.0.0.1 only).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace xiaozhi::testing {

struct HttpReply {
    int status = 0;  // 0 when the connection failed or the answer did not parse
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;  // why status is 0

    // The first header of that name (case-insensitive), "" when absent.
    std::string header(const std::string& name) const;
};

struct HttpCall {
    std::string method = "GET";
    std::string target = "/";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int timeout_ms = 10000;
};

// One request on a fresh connection (Connection: close), the whole answer read.
HttpReply http_call(int port, const HttpCall& call);
HttpReply http_get(int port, const std::string& target);

// A device's OTA request: POST /xiaozhi/ota/ with Device-Id, Client-Id and a JSON body
// naming its firmware `version` and `board` type.
HttpCall ota_request(const std::string& device_id, const std::string& client_id,
                     const std::string& version = "1.0.0", const std::string& board = "bread");

// A call to serve's admin API: /xiaozhi/admin/<path> with `Authorization: Bearer <token>`.
HttpReply admin_call(int port, const std::string& token, const std::string& method,
                     const std::string& path,
                     std::vector<std::pair<std::string, std::string>> headers = {},
                     const std::string& body = "");

// Sends raw bytes and reads until the peer closes or `timeout_ms` passes; what came back.
std::string raw_exchange(int port, const std::string& bytes, int timeout_ms = 10000);

}  // namespace xiaozhi::testing
