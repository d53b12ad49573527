// rewrite_ota_answer: parse, replace websocket.url and token, dump.
#include "protocol/ota_rewrite.hpp"

#include <nlohmann/json.hpp>

namespace xiaozhi::protocol {

std::optional<RewrittenOta> rewrite_ota_answer(std::string_view body, const std::string& url,
                                               const std::optional<std::string>& token) {
    nlohmann::json answer = nlohmann::json::parse(body, nullptr, false);
    if (answer.is_discarded() || !answer.is_object()) return std::nullopt;
    RewrittenOta out;
    const auto firmware = answer.find("firmware");
    if (firmware != answer.end() && firmware->is_object()) {
        const auto firmware_url = firmware->find("url");
        if (firmware_url != firmware->end() && firmware_url->is_string()) {
            out.firmware_url = firmware_url->get<std::string>();
        }
    }
    const auto websocket = answer.find("websocket");
    if (websocket != answer.end() && websocket->is_object()) {
        out.had_websocket = true;
        const auto previous = websocket->find("url");
        if (previous != websocket->end() && previous->is_string()) {
            out.upstream_websocket_url = previous->get<std::string>();
        }
        (*websocket)["url"] = url;
        if (token) (*websocket)["token"] = *token;
    }
    out.body = answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return out;
}

}  // namespace xiaozhi::protocol
