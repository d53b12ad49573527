// JSON error answers {"error": "..."} for the HTTP routes, safe for any bytes in the message.
#pragma once

#include <string_view>

#include "http_message.hpp"

namespace xiaozhi::server {

// {"error": message} with `status`; invalid UTF-8 in the message becomes U+FFFD.
HttpResponse error_response(int status, std::string_view message);

}  // namespace xiaozhi::server
