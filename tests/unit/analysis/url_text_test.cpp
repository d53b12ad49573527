// The URL rewrites behind the suggestions: port, path and scheme, the rest kept as written.
#include <catch2/catch.hpp>

#include "analysis/url_text.hpp"

using namespace xiaozhi::analysis;

TEST_CASE("url_text: with_port replaces or adds the port", "[analysis][url-text]") {
    CHECK(with_port("ws://192.168.1.20:8000/xiaozhi/v1/", 8100) ==
          "ws://192.168.1.20:8100/xiaozhi/v1/");
    CHECK(with_port("wss://example.com/xiaozhi/v1/?a=b", 443) ==
          "wss://example.com:443/xiaozhi/v1/?a=b");
    CHECK(with_port("ws://[fe80::1]:8000/x", 9) == "ws://[fe80::1]:9/x");
    CHECK(with_port("ws://[::1]/x", 9) == "ws://[::1]:9/x");
    CHECK(with_port("ws://user:pw@host:1", 2) == "ws://user:pw@host:2");
}

TEST_CASE("url_text: with_path keeps the query", "[analysis][url-text]") {
    CHECK(with_path("ws://a:1/x?q=1", "/xiaozhi/v1/") == "ws://a:1/xiaozhi/v1/?q=1");
    CHECK(with_path("http://a:1", "/xiaozhi/ota/") == "http://a:1/xiaozhi/ota/");
}

TEST_CASE("url_text: with_scheme and port_text", "[analysis][url-text]") {
    CHECK(with_scheme("http://a:1/x", "ws") == "ws://a:1/x");
    CHECK(port_text("http://a:80a/x") == "80a");
    CHECK(port_text("http://[::1]/x").empty());
}
