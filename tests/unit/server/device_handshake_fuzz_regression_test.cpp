// Inputs fuzzing found in the upgrade decision (tests/fuzz/http_head_fuzz.cpp), kept as tests.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "device_handshake.hpp"

using namespace xiaozhi::server;

namespace {

HttpRequest upgrade(std::string path, std::vector<std::pair<std::string, std::string>> headers) {
    HttpRequest request;
    request.method = "GET";
    request.target = path;
    request.path = std::move(path);
    request.headers = std::move(headers);
    return request;
}

}  // namespace

// rejection_response once dumped the detail without replacing invalid UTF-8: nlohmann threw
// type_error 316 and the peer got no answer.
TEST_CASE("A rejection quoting a path or header that is not UTF-8 is still answered", "[fuzz]") {
    const ServerSettings settings;
    // Beast accepts bytes >= 0x80 in the target and in field values.
    const HttpRequest requests[] = {
        upgrade("/xiaozhi/v1/\x8f", {}),
        upgrade("/xiaozhi/v1/",
                {{"Protocol-Version", "2\xff"}, {"Device-Id", "aa:bb:cc:dd:ee:ff"}}),
    };
    for (const HttpRequest& request : requests) {
        const HandshakeDecision decision = decide_handshake(request, settings, 1'750'000'000);
        REQUIRE(decision.outcome == HandshakeOutcome::reject);
        HttpResponse response;
        REQUIRE_NOTHROW(response = rejection_response(decision));
        CHECK(response.status == decision.status);
        CHECK(nlohmann::json::parse(response.body)["error"].get<std::string>().find(
                  "\xef\xbf\xbd") != std::string::npos);
    }
}
