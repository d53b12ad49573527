// error_response: one JSON object with the message, dumped with invalid UTF-8 replaced.
#include "error_response.hpp"

#include <nlohmann/json.hpp>

namespace xiaozhi::server {

HttpResponse error_response(int status, std::string_view message) {
    const nlohmann::json body{{"error", std::string(message)}};
    return json_response(status,
                         body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace xiaozhi::server
