// Fresh random session ids for the hello answer.
#pragma once

#include <string>

namespace xiaozhi::server {

// A random UUID (version 4, lower-case, 36 characters) from OpenSSL's generator.
std::string make_session_id();

}  // namespace xiaozhi::server
