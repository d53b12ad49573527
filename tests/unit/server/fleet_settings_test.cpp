// read_server_settings for [fleet]: defaults, values, refusals at their place.
#include <catch2/catch.hpp>

#include "settings_of.hpp"

using namespace xiaozhi;
using xiaozhi::test::settings_of;

TEST_CASE("fleet settings: none by default", "[settings][fleet]") {
    const server::FleetSettings fleet = settings_of("[server]\nport = 8000\n").fleet;
    CHECK(fleet.etcd.empty());
    CHECK(fleet.name == "default");
    CHECK(fleet.instance.empty());
    CHECK(fleet.lease_ttl == std::chrono::seconds(10));
}

TEST_CASE("fleet settings: every key set", "[settings][fleet]") {
    const server::FleetSettings fleet =
        settings_of(
            "[fleet]\netcd = [\"http://10.0.0.7:2379\", \"http://etcd-2:2379\"]\n"
            "name = \"prod\"\ninstance = \"edge-1\"\nlease_ttl = 30\n")
            .fleet;
    REQUIRE(fleet.etcd.size() == 2);
    CHECK(fleet.etcd[0].host == "10.0.0.7");
    CHECK(fleet.etcd[1].host == "etcd-2");
    CHECK(fleet.etcd[1].port == 2379);
    CHECK(fleet.name == "prod");
    CHECK(fleet.instance == "edge-1");
    CHECK(fleet.lease_ttl == std::chrono::seconds(30));
}

TEST_CASE("fleet settings: refusals name the file, line and key", "[settings][fleet]") {
    CHECK_THROWS_WITH(settings_of("[fleet]\netcd = \"http://10.0.0.7:2379\"\n"),
                      Catch::Contains("xiaozhi.toml:2:8") &&
                          Catch::Contains("fleet.etcd must be a list of http:// URLs"));
    CHECK_THROWS_WITH(
        settings_of("[fleet]\netcd = [\"https://10.0.0.7:2379\"]\n"),
        Catch::Contains("xiaozhi.toml:2") && Catch::Contains("must be an http:// URL"));
    CHECK_THROWS_WITH(settings_of("[fleet]\nname = \"a/b\"\n"),
                      Catch::Contains("fleet.name must not hold '/' or spaces"));
    CHECK_THROWS_WITH(settings_of("[fleet]\nlease_ttl = 1\n"),
                      Catch::Contains("xiaozhi.toml:2:13") && Catch::Contains("fleet.lease_ttl"));
}
