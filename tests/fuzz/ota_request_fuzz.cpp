// Fuzz target: parse_ota_request on headers (Device-Id, Client-Id, User-Agent lines) and a body.
#include <string>

#include "fuzz_input.hpp"
#include "protocol/ota_request.hpp"

using namespace xiaozhi;

namespace {

// The text before the next '\n' (all of it when there is none), removed from `rest`.
std::string next_line(std::string_view& rest) {
    const std::size_t end = rest.find('\n');
    std::string line(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest = fuzz::as_text(data, size);
    protocol::OtaRequestHeaders headers;
    headers.device_id = next_line(rest);
    headers.client_id = next_line(rest);
    headers.user_agent = next_line(rest);
    const protocol::OtaRequestParse parsed = protocol::parse_ota_request(headers, rest);
    fuzz::require(parsed.request.has_value() != !parsed.error.empty(),
                  "a request or an error, never both");
    if (!parsed.request) return 0;
    fuzz::require(protocol::is_mac_like(parsed.request->device_id), "the Device-Id is MAC-like");
    const protocol::OtaRequestParse again =
        protocol::parse_ota_request(headers, protocol::ota_request_body(*parsed.request));
    fuzz::require(again.request && again.request->app_version == parsed.request->app_version &&
                      again.request->board_type == parsed.request->board_type,
                  "ota_request_body carries the version and board type");
    return 0;
}
