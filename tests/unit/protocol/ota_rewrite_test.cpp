// rewrite_ota_answer: only websocket.url (and the token when given) change.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "protocol/ota_rewrite.hpp"

using xiaozhi::protocol::rewrite_ota_answer;

namespace {

constexpr const char* kManagementAnswer =
    R"({"server_time":{"timestamp":1700000000000,"timezone_offset":480},)"
    R"("activation":{"code":"123456","challenge":"c"},)"
    R"("firmware":{"version":"1.9.0","url":"http://192.0.2.10/x.bin"},)"
    R"("websocket":{"url":"ws://10.9.8.7:8000/xiaozhi/v1/","token":"up","version":3},)"
    R"("later_field":[1,2]})";

}  // namespace

TEST_CASE("the upstream's answer keeps every field but websocket.url") {
    const auto out =
        rewrite_ota_answer(kManagementAnswer, "wss://voice.example.com/xiaozhi/v1/", std::nullopt);
    REQUIRE(out);
    const auto answer = nlohmann::json::parse(out->body);
    auto expected = nlohmann::json::parse(kManagementAnswer);
    expected["websocket"]["url"] = "wss://voice.example.com/xiaozhi/v1/";
    CHECK(answer == expected);
    CHECK(out->upstream_websocket_url == "ws://10.9.8.7:8000/xiaozhi/v1/");
    CHECK(out->firmware_url == "http://192.0.2.10/x.bin");
    CHECK(out->had_websocket);
}

TEST_CASE("a token given replaces the upstream's") {
    const auto out = rewrite_ota_answer(kManagementAnswer, "ws://a/", std::string("mine"));
    REQUIRE(out);
    const auto answer = nlohmann::json::parse(out->body);
    CHECK(answer["websocket"]["token"] == "mine");
    CHECK(answer["websocket"]["version"] == 3);
}

TEST_CASE("an answer without a websocket section is handed on unchanged") {
    const std::string mqtt = R"({"mqtt":{"endpoint":"m:1883"},"server_time":{"timestamp":1}})";
    const auto out = rewrite_ota_answer(mqtt, "ws://a/", std::nullopt);
    REQUIRE(out);
    CHECK(nlohmann::json::parse(out->body) == nlohmann::json::parse(mqtt));
    CHECK_FALSE(out->had_websocket);
}

TEST_CASE("an answer that is not a JSON object is refused") {
    CHECK_FALSE(rewrite_ota_answer("<html>", "ws://a/", std::nullopt));
    CHECK_FALSE(rewrite_ota_answer("[1,2]", "ws://a/", std::nullopt));
    CHECK_FALSE(rewrite_ota_answer("", "ws://a/", std::nullopt));
}
