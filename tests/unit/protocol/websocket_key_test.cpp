// make_websocket_key and websocket_accept against RFC 6455's own example.
#include <catch2/catch.hpp>

#include "protocol/websocket_key.hpp"

using namespace xiaozhi::protocol;

TEST_CASE("websocket_accept answers RFC 6455's sample key as the RFC does") {
    CHECK(websocket_accept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("make_websocket_key gives 16 random bytes in Base64, a new one each time") {
    const std::string first = make_websocket_key();
    const std::string second = make_websocket_key();
    CHECK(first.size() == 24);
    CHECK(first.substr(22) == "==");
    CHECK(first != second);
}
