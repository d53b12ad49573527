// Tests of IP literals, host classification and bind-address overlap.
#include <catch2/catch.hpp>

#include "deploy/ip_address.hpp"
#include "deploy/url.hpp"

using namespace xiaozhi::deploy;

TEST_CASE("IP literals parse and print in canonical form") {
    const std::pair<const char*, const char*> cases[] = {
        {"192.168.1.5", "192.168.1.5"},
        {"0.0.0.0", "0.0.0.0"},
        {"::", "::"},
        {"::1", "::1"},
        {"1::", "1::"},
        {"2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
        {"fe80:0:0:0:0:0:0:1", "fe80::1"},
        {"::ffff:192.168.1.5", "::ffff:192.168.1.5"},
        {"::FFFF:c0a8:105", "::ffff:192.168.1.5"},
        {"[::1]", "::1"},
        {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
    };
    for (const auto& [text, canonical] : cases) {
        CAPTURE(text);
        std::optional<IpAddress> address = parse_ip(text);
        REQUIRE(address);
        CHECK(format_ip(*address) == canonical);
    }
    const char* invalid[] = {"",
                             "1.2.3",
                             "1.2.3.4.5",
                             "256.1.1.1",
                             "1.2.3.04",
                             "1.2.3.a",
                             "1:2:3:4:5:6:7:8:9",
                             "1::2::3",
                             "12345::",
                             ":1",
                             "1:",
                             ":::",
                             "::1.2.3",
                             "g::1",
                             "[::1",
                             "fe80::1%eth0"};
    for (const char* text : invalid) {
        CAPTURE(text);
        CHECK_FALSE(parse_ip(text));
    }
}

TEST_CASE("IPv4-mapped addresses unmap to IPv4") {
    IpAddress mapped = *parse_ip("::ffff:10.0.0.1");
    CHECK(mapped.is_v4_mapped());
    CHECK(mapped.unmapped() == *parse_ip("10.0.0.1"));
    IpAddress plain = *parse_ip("::10.0.0.1");
    CHECK_FALSE(plain.is_v4_mapped());
    CHECK(plain.unmapped() == plain);
}

TEST_CASE("host classification") {
    for (const char* host : {"1.2.3.4", "::1", "[::1]", "::ffff:1.2.3.4"}) {
        CAPTURE(host);
        CHECK(is_ip_literal(host));
    }
    for (const char* host : {"example.com", "1.2.3", "localhost", ""}) {
        CAPTURE(host);
        CHECK_FALSE(is_ip_literal(host));
    }

    for (const char* host : {"0.0.0.0", "::", "0:0:0:0:0:0:0:0", "::ffff:0.0.0.0", "[::]"}) {
        CAPTURE(host);
        CHECK(is_unspecified(host));
    }
    for (const char* host : {"0.0.0.1", "::1", "localhost", "", "0.0.0"}) {
        CAPTURE(host);
        CHECK_FALSE(is_unspecified(host));
    }

    for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST.",
                             "::ffff:127.0.0.1"}) {
        CAPTURE(host);
        CHECK(is_loopback(host));
    }
    for (const char* host :
         {"128.0.0.1", "126.255.255.255", "::2", "localhost.example.com", "0.0.0.0", "::"}) {
        CAPTURE(host);
        CHECK_FALSE(is_loopback(host));
    }

    for (const char* host : {"172.16.0.1", "172.17.0.1", "172.31.255.254", "::ffff:172.18.0.2"}) {
        CAPTURE(host);
        CHECK(is_container_bridge(host));
    }
    for (const char* host : {"172.15.255.255", "172.32.0.1", "192.168.1.1", "172.17.example.com"}) {
        CAPTURE(host);
        CHECK_FALSE(is_container_bridge(host));
    }

    for (const char* host :
         {"host.docker.internal", "HOST.DOCKER.INTERNAL", "192.168.65.1", "192.168.65.254"}) {
        CAPTURE(host);
        CHECK(is_docker_desktop(host));
    }
    for (const char* host : {"192.168.64.1", "192.168.66.1", "docker.internal", "host.docker"}) {
        CAPTURE(host);
        CHECK_FALSE(is_docker_desktop(host));
    }
}

namespace {

struct OverlapCase {
    const char* a;
    const char* b;
    bool v6only;
    bool overlap;
};

}  // namespace

TEST_CASE("bind_addresses_overlap follows the kernel's rules for wildcard binds") {
    const OverlapCase cases[] = {
        {"127.0.0.1", "192.168.1.5", false, false},
        {"127.0.0.1", "127.0.0.1", false, true},
        {"127.0.0.1", "127.0.0.2", false, false},
        {"0.0.0.0", "192.168.1.5", false, true},
        {"192.168.1.5", "0.0.0.0", false, true},
        {"0.0.0.0", "0.0.0.0", true, true},
        {"::", "0.0.0.0", false, true},
        {"::", "0.0.0.0", true, false},
        {"0.0.0.0", "::", false, true},
        {"0.0.0.0", "::", true, false},
        {"::", "192.168.1.5", false, true},
        {"::", "192.168.1.5", true, false},
        {"::", "::1", true, true},
        {"::1", "::", false, true},
        {"::1", "::2", false, false},
        {"::1", "127.0.0.1", false, false},
        {"0.0.0.0", "::1", false, false},
        {"fe80::1", "FE80:0::1", false, true},
        {"::ffff:192.168.1.5", "192.168.1.5", true, true},
        {"::ffff:127.0.0.1", "192.168.1.5", false, false},
        {"::ffff:0.0.0.0", "10.0.0.1", true, true},
        {"localhost", "127.0.0.1", false, true},
        {"localhost", "192.168.1.5", false, false},
        {"localhost", "0.0.0.0", false, true},
        {"localhost", "::1", false, false},
        {"", "192.168.1.5", true, true},
        {"*", "::1", true, true},
        {"myhost", "MYHOST", false, true},
        {"myhost", "otherhost", false, false},
        {"myhost", "0.0.0.0", false, true},
        {"myhost", "192.168.1.5", false, false},
    };
    for (const OverlapCase& c : cases) {
        CAPTURE(c.a, c.b, c.v6only);
        CHECK(bind_addresses_overlap(c.a, c.b, c.v6only) == c.overlap);
        CHECK(bind_addresses_overlap(c.b, c.a, c.v6only) == c.overlap);
    }
}
