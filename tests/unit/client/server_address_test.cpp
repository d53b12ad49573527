// The --server URL: http or https, port and base path kept.
#include <catch2/catch.hpp>

#include "server_address.hpp"

using namespace xiaozhi::client;

TEST_CASE("a server URL gives host, port and base path", "[client][address]") {
    std::string error;
    const auto plain = parse_server_address("http://10.0.0.2:8003", error);
    REQUIRE(plain);
    CHECK(plain->host == "10.0.0.2");
    CHECK(plain->port == 8003);
    CHECK(plain->base_path.empty());
    CHECK(plain->target("/xiaozhi/admin/remote") == "/xiaozhi/admin/remote");
    CHECK(plain->url() == "http://10.0.0.2:8003");

    const auto prefixed = parse_server_address("http://example.org/xz/", error);
    REQUIRE(prefixed);
    CHECK(prefixed->port == 80);
    CHECK(prefixed->target("/healthz") == "/xz/healthz");

    const auto v6 = parse_server_address("http://[::1]:8003", error);
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->url() == "http://[::1]:8003");
    CHECK_FALSE(v6->tls);

    const auto secure = parse_server_address("https://voice.example.net/xz", error);
    REQUIRE(secure);
    CHECK(secure->tls);
    CHECK(secure->port == 443);
    CHECK(secure->url() == "https://voice.example.net:443/xz");
}

TEST_CASE("a server URL that is not http or https is refused", "[client][address]") {
    std::string error;
    CHECK_FALSE(parse_server_address("ws://10.0.0.2:8000/xiaozhi/v1/", error));
    CHECK(error.find("http:// or https://") != std::string::npos);
    CHECK_FALSE(parse_server_address("10.0.0.2:8003", error));
    CHECK_FALSE(parse_server_address("http://10.0.0.2:8003/?a=b", error));
    CHECK_FALSE(parse_server_address("http://10.0.0.2:80x3", error));
}
