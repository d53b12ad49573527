// The headers a device sends: the OTA POST's and the WebSocket upgrade's, as the firmware does.
#include <catch2/catch.hpp>

#include "protocol/device_headers.hpp"

using namespace xiaozhi::protocol;

TEST_CASE("the OTA request carries the device's identity and the firmware's fixed headers",
          "[headers]") {
    OtaRequest request;
    request.device_id = "aa:bb:cc:dd:ee:ff";
    request.client_id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    request.user_agent = "bread-compact-wifi/1.6.2";
    const HeaderList expected = {{"Device-Id", "aa:bb:cc:dd:ee:ff"},
                                 {"Client-Id", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
                                 {"User-Agent", "bread-compact-wifi/1.6.2"},
                                 {"Accept-Language", "zh-CN"},
                                 {"Activation-Version", "1"},
                                 {"Content-Type", "application/json"}};
    CHECK(ota_request_headers(request) == expected);
    request.user_agent.clear();
    const HeaderList without = ota_request_headers(request);
    CHECK(without.size() == expected.size() - 1);
    CHECK(std::none_of(without.begin(), without.end(),
                       [](const auto& header) { return header.first == "User-Agent"; }));
}

TEST_CASE("the WebSocket upgrade carries the token only when there is one", "[headers]") {
    const HeaderList with_token =
        websocket_request_headers("aa:bb:cc:dd:ee:ff", "uuid-1", BinaryProtocol::v3, "t0k");
    const HeaderList expected = {{"Authorization", "Bearer t0k"},
                                 {"Protocol-Version", "3"},
                                 {"Device-Id", "aa:bb:cc:dd:ee:ff"},
                                 {"Client-Id", "uuid-1"}};
    CHECK(with_token == expected);
    const HeaderList without =
        websocket_request_headers("aa:bb:cc:dd:ee:ff", "uuid-1", BinaryProtocol::v1, "");
    REQUIRE(without.size() == 3);
    CHECK(without[0] == std::pair<std::string, std::string>{"Protocol-Version", "1"});
}
