// Plain HTTP request and response values the routes work on, free of Beast types.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xiaozhi::server {

struct HttpRequest {
    std::string method;  // "GET", "POST", "PUT", "OPTIONS", ...
    std::string target;  // as sent: "/xiaozhi/ota/?a=b"
    std::string path;    // target before '?'
    std::string query;   // after '?', undecoded; "" when none
    std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
    std::string body;          // the body, unless it was streamed to body_file
    std::string body_file;     // a temporary file holding a streamed upload; "" otherwise
    std::string peer_address;  // "127.0.0.1", "::1", "192.168.1.20"
    int peer_port = 0;

    // The first header of that name (case-insensitive), or "" when absent.
    std::string header(std::string_view name) const;
    // The query parameter of that name, percent-decoded, or "" when absent.
    std::string query_parameter(std::string_view name) const;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    // When not empty: the body is this file, streamed from disk with its size as
    // Content-Length (`body` is then ignored).
    std::string file_path;
    std::vector<std::pair<std::string, std::string>> headers;  // extra: ETag, CORS, ...

    void set_header(std::string name, std::string value);
};

// A response with a JSON body {"error": message} (or another JSON text given whole).
HttpResponse json_response(int status, std::string json_text);
HttpResponse text_response(int status, std::string text);

// Whether two header names are the same (ASCII case-insensitive).
bool same_header_name(std::string_view a, std::string_view b);

// Percent-decoding of a URL component ('+' stays '+'); invalid escapes are kept as they are.
std::string percent_decode(std::string_view text);

}  // namespace xiaozhi::server
