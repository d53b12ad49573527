// upstream_request: the device's headers go on, the hop-by-hop ones do not, the relay adds its own.
#include <catch2/catch.hpp>

#include "protocol/device_token.hpp"
#include "relay/upstream_request.hpp"

using namespace xiaozhi::server;

namespace {

HttpRequest device_upgrade() {
    HttpRequest request;
    request.method = "GET";
    request.path = "/xiaozhi/v1/";
    request.headers = {{"Host", "serve:8000"},
                       {"Upgrade", "websocket"},
                       {"Connection", "Upgrade"},
                       {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                       {"Sec-WebSocket-Version", "13"},
                       {"Device-Id", "aa:bb:cc:dd:ee:ff"},
                       {"Client-Id", "c-1"},
                       {"Protocol-Version", "2"},
                       {"Authorization", "Bearer device"},
                       {"X-Real-IP", "203.0.113.9"}};
    return request;
}

std::string header(const UpstreamRequest& request, const std::string& name) {
    std::string found;
    for (const auto& [key, value] : request.headers) {
        if (same_header_name(key, name)) found += (found.empty() ? "" : "|") + value;
    }
    return found;
}

}  // namespace

TEST_CASE("the device's ids and token go on, the handshake's own headers do not") {
    const UpstreamRequest out =
        upstream_request(device_upgrade(), "/ws/", "", {}, "192.0.2.5", "", 0);
    CHECK(out.target == "/ws/");
    CHECK(header(out, "Device-Id") == "aa:bb:cc:dd:ee:ff");
    CHECK(header(out, "Client-Id") == "c-1");
    CHECK(header(out, "Protocol-Version") == "2");
    CHECK(header(out, "Authorization") == "Bearer device");
    for (const char* dropped :
         {"Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"}) {
        CHECK(header(out, dropped).empty());
    }
    // The device's own X-Real-IP is not believed: the relay says where the device is.
    CHECK(header(out, "X-Real-IP") == "192.0.2.5");
    CHECK(header(out, "X-Forwarded-For") == "192.0.2.5");
}

TEST_CASE("a proxy's X-Forwarded-For is kept and the device appended") {
    HttpRequest request = device_upgrade();
    request.headers.emplace_back("X-Forwarded-For", "198.51.100.1");
    const UpstreamRequest out = upstream_request(request, "/", "", {}, "10.0.0.2", "", 0);
    CHECK(header(out, "X-Forwarded-For") == "198.51.100.1, 10.0.0.2");
}

TEST_CASE("the query string of a browser client is appended to the upstream's") {
    HttpRequest request = device_upgrade();
    request.query = "device-id=aa&client-id=b";
    CHECK(upstream_request(request, "/xiaozhi/v1/", "", {}, "", "", 0).target ==
          "/xiaozhi/v1/?device-id=aa&client-id=b");
    CHECK(upstream_request(request, "/v1/", "route=x", {}, "", "", 0).target ==
          "/v1/?route=x&device-id=aa&client-id=b");
}

TEST_CASE("with an auth key the token is re-signed for the device's ids") {
    const DeviceIdentity identity{"aa:bb:cc:dd:ee:ff", "c-1"};
    const UpstreamRequest out =
        upstream_request(device_upgrade(), "/", "", identity, "", "upstream-key", 1700000000);
    const std::string authorization = header(out, "Authorization");
    REQUIRE(authorization.starts_with("Bearer "));
    CHECK(xiaozhi::protocol::verify_token("upstream-key", authorization.substr(7), "c-1",
                                          "aa:bb:cc:dd:ee:ff", 1700000010,
                                          60) == xiaozhi::protocol::TokenCheck::ok);
}
