// Tests of the WebSocket upgrade decision: path, identity, Protocol-Version, tokens, allow-list.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "device_handshake.hpp"
#include "protocol/device_token.hpp"
#include "session_id.hpp"

using namespace xiaozhi::server;
using xiaozhi::protocol::BinaryProtocol;

namespace {

constexpr std::string_view kKey = "test-auth-key";
constexpr std::string_view kClient = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
constexpr std::string_view kDevice = "aa:bb:cc:dd:ee:ff";
constexpr std::int64_t kTs = 1700000000;
// The reference algorithm's token for kKey, kClient, kDevice and kTs (see device_token_test).
constexpr std::string_view kReferenceToken =
    "XVAXw3tXv6_5Pxj3YGD6aAz-wX0YhIWKywYs4Sk8Jkw.1700000000";

HttpRequest upgrade(std::string target,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest request;
    request.method = "GET";
    request.target = target;
    const std::size_t question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    request.headers = std::move(headers);
    return request;
}

HttpRequest device_upgrade(std::vector<std::pair<std::string, std::string>> extra = {}) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Device-Id", std::string(kDevice)}, {"Client-Id", std::string(kClient)}};
    headers.insert(headers.end(), extra.begin(), extra.end());
    return upgrade("/xiaozhi/v1/", std::move(headers));
}

ServerSettings auth_settings() {
    ServerSettings settings;
    settings.auth.enabled = true;
    settings.auth.key = std::string(kKey);
    settings.auth.expire_seconds = 2592000;
    return settings;
}

}  // namespace

TEST_CASE("only /xiaozhi/v1 with or without the slash is the device endpoint", "[handshake]") {
    CHECK(is_device_path("/xiaozhi/v1/"));
    CHECK(is_device_path("/xiaozhi/v1"));
    CHECK_FALSE(is_device_path("/xiaozhi/v1/x"));
    CHECK_FALSE(is_device_path("/xiaozhi/v2/"));
    CHECK_FALSE(is_device_path("/"));

    const ServerSettings settings;
    const auto decision =
        decide_handshake(upgrade("/other/", {{"Device-Id", std::string(kDevice)}}), settings, kTs);
    CHECK(decision.outcome == HandshakeOutcome::reject);
    CHECK(decision.status == 404);
    CHECK(decision.reason == "not_found");
}

TEST_CASE("identity comes from headers, else from query parameters", "[handshake]") {
    const ServerSettings settings;
    const auto from_headers = decide_handshake(device_upgrade(), settings, kTs);
    CHECK(from_headers.outcome == HandshakeOutcome::accept);
    CHECK(from_headers.identity.device_id == kDevice);
    CHECK(from_headers.identity.client_id == kClient);
    CHECK(from_headers.version == BinaryProtocol::v1);

    const auto from_query = decide_handshake(
        upgrade("/xiaozhi/v1/?device-id=aa%3Abb%3Acc%3Add%3Aee%3Aff&client-id=web-1"), settings,
        kTs);
    CHECK(from_query.outcome == HandshakeOutcome::accept);
    CHECK(from_query.identity.device_id == kDevice);
    CHECK(from_query.identity.client_id == "web-1");

    // The header wins over the query.
    const auto both = decide_handshake(
        upgrade("/xiaozhi/v1/?device-id=query-device", {{"device-id", "header-device"}}), settings,
        kTs);
    CHECK(both.identity.device_id == "header-device");
}

TEST_CASE("no device id is its own outcome, before authentication", "[handshake]") {
    const auto decision =
        decide_handshake(upgrade("/xiaozhi/v1/?client-id=x"), auth_settings(), kTs);
    CHECK(decision.outcome == HandshakeOutcome::no_device_id);
    CHECK(decision.reason == "no_device_id");
}

TEST_CASE("Protocol-Version chooses the framing, another value is a 400", "[handshake]") {
    const ServerSettings settings;
    CHECK(decide_handshake(device_upgrade({{"Protocol-Version", "2"}}), settings, kTs).version ==
          BinaryProtocol::v2);
    CHECK(decide_handshake(device_upgrade({{"Protocol-Version", "3"}}), settings, kTs).version ==
          BinaryProtocol::v3);
    CHECK(decide_handshake(device_upgrade({{"Protocol-Version", "1"}}), settings, kTs).version ==
          BinaryProtocol::v1);
    const auto bad = decide_handshake(device_upgrade({{"Protocol-Version", "4"}}), settings, kTs);
    CHECK(bad.outcome == HandshakeOutcome::reject);
    CHECK(bad.status == 400);
    CHECK(bad.reason == "bad_protocol_version");
}

TEST_CASE("with auth off any device passes without a token", "[handshake]") {
    const ServerSettings settings;
    CHECK(decide_handshake(device_upgrade(), settings, kTs).outcome == HandshakeOutcome::accept);
    CHECK(decide_handshake(device_upgrade({{"Authorization", "Bearer garbage"}}), settings, kTs)
              .outcome == HandshakeOutcome::accept);
}

TEST_CASE("with auth on a reference token passes until it expires", "[handshake]") {
    const ServerSettings settings = auth_settings();
    const std::string bearer = "Bearer " + std::string(kReferenceToken);
    CHECK(decide_handshake(device_upgrade({{"Authorization", bearer}}), settings, kTs).outcome ==
          HandshakeOutcome::accept);
    CHECK(decide_handshake(device_upgrade({{"Authorization", bearer}}), settings,
                           kTs + settings.auth.expire_seconds)
              .outcome == HandshakeOutcome::accept);

    const auto expired = decide_handshake(device_upgrade({{"Authorization", bearer}}), settings,
                                          kTs + settings.auth.expire_seconds + 1);
    CHECK(expired.outcome == HandshakeOutcome::reject);
    CHECK(expired.status == 401);
    CHECK(expired.reason == "unauthorized");
    CHECK(expired.detail == "token expired");
}

TEST_CASE("with auth on a missing, foreign or other-device token is a 401", "[handshake]") {
    const ServerSettings settings = auth_settings();
    const auto missing = decide_handshake(device_upgrade(), settings, kTs);
    CHECK(missing.status == 401);
    CHECK(missing.outcome == HandshakeOutcome::reject);

    const std::string other_key =
        "Bearer " + xiaozhi::protocol::make_token("other-key", kClient, kDevice, kTs);
    const auto foreign =
        decide_handshake(device_upgrade({{"Authorization", other_key}}), settings, kTs);
    CHECK(foreign.status == 401);
    CHECK(foreign.detail == "token bad_signature");

    const auto other_device = decide_handshake(
        upgrade("/xiaozhi/v1/", {{"Device-Id", "11:22:33:44:55:66"},
                                 {"Client-Id", std::string(kClient)},
                                 {"Authorization", "Bearer " + std::string(kReferenceToken)}}),
        settings, kTs);
    CHECK(other_device.status == 401);

    const auto basic = decide_handshake(
        device_upgrade({{"Authorization", "Basic " + std::string(kReferenceToken)}}), settings,
        kTs);
    CHECK(basic.status == 401);
}

TEST_CASE("browser clients pass the token in the query, with or without Bearer", "[handshake]") {
    const ServerSettings settings = auth_settings();
    const std::string base =
        "/xiaozhi/v1/?device-id=aa%3Abb%3Acc%3Add%3Aee%3Aff&client-id=" + std::string(kClient) +
        "&authorization=";
    const std::string token(kReferenceToken);
    CHECK(decide_handshake(upgrade(base + "Bearer%20" + token), settings, kTs).outcome ==
          HandshakeOutcome::accept);
    CHECK(decide_handshake(upgrade(base + token), settings, kTs).outcome ==
          HandshakeOutcome::accept);
    CHECK(decide_handshake(upgrade(base + "Bearer%20x" + token), settings, kTs).status == 401);
}

TEST_CASE("allowed devices pass without a token", "[handshake]") {
    ServerSettings settings = auth_settings();
    settings.auth.allowed_devices = {"11:22:33:44:55:66", std::string(kDevice)};
    CHECK(decide_handshake(device_upgrade(), settings, kTs).outcome == HandshakeOutcome::accept);
    settings.auth.allowed_devices = {"11:22:33:44:55:66"};
    CHECK(decide_handshake(device_upgrade(), settings, kTs).status == 401);
}

TEST_CASE("a rejection answers its status with the detail as a JSON error", "[handshake]") {
    const auto decision = decide_handshake(device_upgrade(), auth_settings(), kTs);
    const HttpResponse response = rejection_response(decision);
    CHECK(response.status == 401);
    CHECK(response.content_type == "application/json");
    CHECK(nlohmann::json::parse(response.body).at("error") == decision.detail);
}

TEST_CASE("session ids are fresh version-4 UUIDs", "[handshake]") {
    const std::string first = make_session_id();
    const std::string second = make_session_id();
    CHECK(first != second);
    REQUIRE(first.size() == 36);
    CHECK(first[8] == '-');
    CHECK(first[13] == '-');
    CHECK(first[14] == '4');
    CHECK(first.find_first_not_of("0123456789abcdef-") == std::string::npos);
}
