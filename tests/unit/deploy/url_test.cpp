// Tests of URL and endpoint parsing and of placeholder detection.
#include <catch2/catch.hpp>

#include "deploy/url.hpp"

using namespace xiaozhi::deploy;

namespace {

struct GoodUrl {
    const char* text;
    const char* scheme;
    const char* host;
    int port;
    bool explicit_port;
    const char* path;
    const char* query;
};

struct BadUrl {
    const char* text;
    std::vector<const char*> message_parts;
};

}  // namespace

TEST_CASE("parse_url accepts device URLs and fills defaults") {
    const GoodUrl cases[] = {
        {"ws://192.168.1.20:8000/xiaozhi/v1/", "ws", "192.168.1.20", 8000, true, "/xiaozhi/v1/",
         ""},
        {"WSS://Example.com/xiaozhi/v1/", "wss", "Example.com", 443, false, "/xiaozhi/v1/", ""},
        {"ws://[::1]:8000/x", "ws", "::1", 8000, true, "/x", ""},
        {"ws://[fe80::1]/", "ws", "fe80::1", 80, false, "/", ""},
        {"http://example.com", "http", "example.com", 80, false, "/", ""},
        {"https://example.com?x=1", "https", "example.com", 443, false, "/", "x=1"},
        {"ws://host:8000/p?q=1#frag", "ws", "host", 8000, true, "/p", "q=1"},
        {"http://a-b_c.example.com.:08003/xiaozhi/ota/", "http", "a-b_c.example.com.", 8003, true,
         "/xiaozhi/ota/", ""},
        {"ws://0.0.0.0:1/", "ws", "0.0.0.0", 1, true, "/", ""},
        {"ws://localhost:65535/", "ws", "localhost", 65535, true, "/", ""},
        {"mqtt://broker.example.com", "mqtt", "broker.example.com", 1883, false, "/", ""},
    };
    for (const GoodUrl& c : cases) {
        CAPTURE(c.text);
        UrlError error;
        std::optional<Url> url = parse_url(c.text, &error);
        REQUIRE(url);
        CHECK(error.message.empty());
        CHECK(url->scheme == c.scheme);
        CHECK(url->host == c.host);
        CHECK(url->port == c.port);
        CHECK(url->explicit_port == c.explicit_port);
        CHECK(url->path == c.path);
        CHECK(url->query == c.query);
    }
}

TEST_CASE("parse_url rejects malformed URLs with a message that says why") {
    const BadUrl cases[] = {
        {"ws://192.168.1:4:8015/",
         {"port \"4:8015\" is not a number", "host \"192.168.1\" is not a valid IPv4 address"}},
        {"", {"empty"}},
        {"192.168.1.20:8000/xiaozhi/v1/", {"missing scheme"}},
        {"://host/", {"missing scheme"}},
        {"1ws://host/", {"scheme \"1ws\" is not valid"}},
        {"ws://:8000/", {"host is missing"}},
        {"ws:///xiaozhi/v1/", {"host is missing"}},
        {"ws://host:0/", {"port \"0\" is outside 1..65535"}},
        {"ws://host:65536/", {"port \"65536\" is outside 1..65535"}},
        {"ws://host:123456789012/", {"outside 1..65535"}},
        {"ws://host:80a/", {"port \"80a\" is not a number"}},
        {"ws://host:-1/", {"port \"-1\" is not a number"}},
        {"ws://host:/", {"port is empty"}},
        {"ws://300.1.1.1:8000/", {"host \"300.1.1.1\" is not a valid IPv4 address"}},
        {"ws://1.2.3/", {"host \"1.2.3\" is not a valid IPv4 address"}},
        {"ws://1.2.3.4.5/", {"not a valid IPv4 address"}},
        {"ws://192.168.001.020/", {"not a valid IPv4 address"}},
        {"ws://::1:8000/", {"IPv6 address must be written in brackets"}},
        {"ws://[::1/", {"missing ']'"}},
        {"ws://[::g]:80/", {"host [::g] is not a valid IPv6 address"}},
        {"ws://[::1]x/", {"unexpected \"x\" after ']'"}},
        {"ws://host name/", {"contains a space"}},
        {"ws://host/\tx", {"control character"}},
        {"ws://user@host/", {"user information"}},
        {"ws://a..b/", {"empty label"}},
        {"ws://<ip>:8000/", {"contains the character '<'"}},
        {"ws://你的ip或者域名:端口号/xiaozhi/v1/", {"port \"端口号\" is not a number"}},
    };
    for (const BadUrl& c : cases) {
        CAPTURE(c.text);
        UrlError error;
        CHECK_FALSE(parse_url(c.text, &error));
        for (const char* part : c.message_parts) {
            CAPTURE(error.message);
            CHECK(error.message.find(part) != std::string::npos);
        }
    }
}

TEST_CASE("parse_url works without an error sink") {
    CHECK_FALSE(parse_url("ws://192.168.1:4:8015/"));
    CHECK(parse_url("ws://192.168.1.4:8015/"));
}

TEST_CASE("parse_endpoint reads host:port endpoints") {
    UrlError error;
    std::optional<Endpoint> plain = parse_endpoint("mqtt.example.com:1883", false, 0, &error);
    REQUIRE(plain);
    CHECK(plain->host == "mqtt.example.com");
    CHECK(plain->port == 1883);

    std::optional<Endpoint> v6 = parse_endpoint("[::1]:8884", false, 0);
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 8884);

    std::optional<Endpoint> defaulted = parse_endpoint("gateway.local", true, 8883);
    REQUIRE(defaulted);
    CHECK(defaulted->host == "gateway.local");
    CHECK(defaulted->port == 8883);

    std::optional<Endpoint> explicit_port = parse_endpoint("gateway.local:1884", true, 8883);
    REQUIRE(explicit_port);
    CHECK(explicit_port->port == 1884);
}

TEST_CASE("parse_endpoint rejects what is not host:port") {
    const BadUrl cases[] = {
        {"", {"empty"}},
        {"gateway.local", {"port is missing"}},
        {"mqtt://gateway:1883", {"without a scheme"}},
        {"gateway:port", {"port \"port\" is not a number"}},
        {"gateway:0", {"outside 1..65535"}},
        {"1.2.3:1883", {"not a valid IPv4 address"}},
        {"gateway:1883/path", {"found '/'"}},
        {"gate way:1883", {"space"}},
        {"::1:1883", {"brackets"}},
        {":1883", {"host is missing"}},
    };
    for (const BadUrl& c : cases) {
        CAPTURE(c.text);
        UrlError error;
        CHECK_FALSE(parse_endpoint(c.text, false, 0, &error));
        for (const char* part : c.message_parts) {
            CAPTURE(error.message);
            CHECK(error.message.find(part) != std::string::npos);
        }
    }
}

TEST_CASE("is_placeholder recognises the reference's template text") {
    const char* placeholders[] = {
        "ws://你的ip或者域名:端口号/xiaozhi/v1/",
        "http://你的ip或者域名:端口号/mcp/vision/explain",
        "ws://YOUR IP:8000/xiaozhi/v1/",
        "ws://your-ip:8000/xiaozhi/v1/",
        "ws://Your_IP:8000/xiaozhi/v1/",
        "wss://your domain/xiaozhi/v1/",
        "wss://yourdomain.com/xiaozhi/v1/",
        "ws://<ip>:8000/xiaozhi/v1/",
        "ws://{IP}:8000/xiaozhi/v1/",
    };
    for (const char* text : placeholders) {
        CAPTURE(text);
        CHECK(is_placeholder(text));
    }
    const char* real[] = {
        "ws://192.168.1.20:8000/xiaozhi/v1/",       "wss://xiaozhi.example.com/xiaozhi/v1/",
        "ws://xiaozhi.server.com:8000/xiaozhi/v1/", "ws://yourhost.example.com:8000/xiaozhi/v1/",
        "ws://ip.example.com:8000/xiaozhi/v1/",     "",
    };
    for (const char* text : real) {
        CAPTURE(text);
        CHECK_FALSE(is_placeholder(text));
    }
}

TEST_CASE("url_host brackets an IPv6 literal once, host_header adds an explicit port") {
    CHECK(url_host("::1") == "[::1]");
    CHECK(url_host("[::1]") == "[::1]");
    CHECK(url_host("voice.example.com") == "voice.example.com");
    CHECK(host_header(*parse_url("ws://[::1]:8000/x")) == "[::1]:8000");
    CHECK(host_header(*parse_url("wss://voice.example.com/x")) == "voice.example.com");
}
