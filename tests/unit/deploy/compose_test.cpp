// Tests of reading published ports from docker-compose files, every syntax variant.
#include <catch2/catch.hpp>

#include "config/input_error.hpp"
#include "config/parse.hpp"
#include "deploy/compose.hpp"

using namespace xiaozhi;
using deploy::PublishedPort;
using deploy::Transport;

namespace {

config::ComposeFile compose_from(const std::string& yaml) {
    return config::ComposeFile{"docker-compose.yml",
                               config::parse_text(yaml, config::Syntax::yaml, "docker-compose.yml"),
                               {}};
}

std::vector<PublishedPort> ports_of(const std::string& entries) {
    return deploy::published_ports(compose_from("services:\n  server:\n    ports:\n" + entries));
}

// The InputError message of a malformed entry list, "" when none is thrown.
std::string error_of(const std::string& entries) {
    try {
        ports_of(entries);
    } catch (const config::InputError& error) {
        return error.what();
    }
    return "";
}

struct ShortCase {
    const char* entry;
    const char* host_address;
    int host_port;
    int container_port;
    Transport transport;
};

}  // namespace

TEST_CASE("short syntax variants") {
    const ShortCase cases[] = {
        {"\"8000\"", "", 0, 8000, Transport::tcp},
        {"8000", "", 0, 8000, Transport::tcp},
        {"\"18000:8000\"", "", 18000, 8000, Transport::tcp},
        {"'18000:8000'", "", 18000, 8000, Transport::tcp},
        {"18000:8000", "", 18000, 8000, Transport::tcp},
        {"\"127.0.0.1:18000:8000\"", "127.0.0.1", 18000, 8000, Transport::tcp},
        {"\"127.0.0.1::8000\"", "127.0.0.1", 0, 8000, Transport::tcp},
        {"\"8884:8884/udp\"", "", 8884, 8884, Transport::udp},
        {"\"8884:8884/UDP\"", "", 8884, 8884, Transport::udp},
        {"\"8000:8000/tcp\"", "", 8000, 8000, Transport::tcp},
        {"\"[::1]:18000:8000\"", "::1", 18000, 8000, Transport::tcp},
        {"\"::1:18000:8000\"", "::1", 18000, 8000, Transport::tcp},
        {"\"${WS_PORT:-18000}:8000\"", "", 18000, 8000, Transport::tcp},
        {"\"${WS_PORT-18001}:8000\"", "", 18001, 8000, Transport::tcp},
        {"\"18000-18009:8000\"", "", 0, 8000, Transport::tcp},
    };
    for (const ShortCase& c : cases) {
        CAPTURE(c.entry);
        std::vector<PublishedPort> ports = ports_of(std::string("      - ") + c.entry + "\n");
        REQUIRE(ports.size() == 1);
        CHECK(ports[0].service == "server");
        CHECK(ports[0].host_address == c.host_address);
        CHECK(ports[0].host_port == c.host_port);
        CHECK(ports[0].container_port == c.container_port);
        CHECK(ports[0].transport == c.transport);
        CHECK(ports[0].origin.layer == "file");
        CHECK(ports[0].origin.pos.file == "docker-compose.yml");
        CHECK(ports[0].origin.pos.line == 4);
    }
}

TEST_CASE("port ranges expand pairwise") {
    std::vector<PublishedPort> ports = ports_of("      - \"18000-18001:8000-8001\"\n");
    REQUIRE(ports.size() == 2);
    CHECK(ports[0].host_port == 18000);
    CHECK(ports[0].container_port == 8000);
    CHECK(ports[1].host_port == 18001);
    CHECK(ports[1].container_port == 8001);
    CHECK(ports[1].origin.pos.line == 4);

    std::vector<PublishedPort> unpublished = ports_of("      - \"8000-8002\"\n");
    REQUIRE(unpublished.size() == 3);
    CHECK(unpublished[2].container_port == 8002);
    CHECK(unpublished[2].host_port == 0);
}

TEST_CASE("long syntax") {
    std::vector<PublishedPort> ports = ports_of(
        "      - target: 8000\n"
        "        published: 18000\n"
        "        protocol: udp\n"
        "        host_ip: 127.0.0.1\n"
        "        mode: host\n"
        "      - target: 8003\n"
        "      - target: \"8004\"\n"
        "        published: \"18004\"\n"
        "      - target: 8005\n"
        "        published: \"18005-18006\"\n");
    REQUIRE(ports.size() == 4);
    CHECK(ports[0].container_port == 8000);
    CHECK(ports[0].host_port == 18000);
    CHECK(ports[0].transport == Transport::udp);
    CHECK(ports[0].host_address == "127.0.0.1");
    CHECK(ports[0].origin.pos.line == 4);
    CHECK(ports[1].container_port == 8003);
    CHECK(ports[1].host_port == 0);
    CHECK(ports[1].origin.pos.line == 9);
    CHECK(ports[2].container_port == 8004);
    CHECK(ports[2].host_port == 18004);
    CHECK(ports[3].container_port == 8005);
    CHECK(ports[3].host_port == 0);
}

TEST_CASE("entries compose resolves elsewhere are skipped") {
    CHECK(ports_of("      - \"${WS_PORT}:8000\"\n").empty());
    CHECK(ports_of("      - \"$WS_PORT:8000\"\n").empty());
    CHECK(ports_of("      - \"${WS_PORT:?set it}:8000\"\n").empty());
    CHECK(ports_of("      - \"5000:5000/sctp\"\n").empty());
    CHECK(ports_of("      - target: 8000\n        published: ${WS_PORT}\n").empty());
}

TEST_CASE("several services and files keep their names and order") {
    config::ComposeFile file = compose_from(
        "services:\n"
        "  web:\n"
        "    image: nginx\n"
        "  server:\n"
        "    ports:\n"
        "      - \"8000:8000\"\n"
        "  api:\n"
        "    ports: [\"8002:8002\", \"8884:8884/udp\"]\n"
        "  idle:\n");
    std::vector<PublishedPort> ports = deploy::published_ports(file);
    REQUIRE(ports.size() == 3);
    CHECK(ports[0].service == "server");
    CHECK(ports[1].service == "api");
    CHECK(ports[1].host_port == 8002);
    CHECK(ports[2].transport == Transport::udp);

    CHECK(deploy::published_ports(compose_from("version: \"3\"\n")).empty());
}

TEST_CASE("malformed port entries are input errors at their position") {
    const std::pair<const char*, const char*> cases[] = {
        {"      - \"18000:80a\"\n",
         "docker-compose.yml:4:9: compose port \"18000:80a\": container port"},
        {"      - \"abc\"\n", "container port \"abc\""},
        {"      - \"70000:8000\"\n", "host port \"70000\""},
        {"      - \"0:8000\"\n", "host port \"0\""},
        {"      - \"18000:\"\n", "container port \"\""},
        {"      - \":8000\"\n", "the host port before ':' is empty"},
        {"      - \":18000:8000\"\n", "the host address before ':' is empty"},
        {"      - \"18000-18002:8000-8001\"\n", "ranges differ in size"},
        {"      - \"8001-8000\"\n", "container port \"8001-8000\""},
        {"      - \"8000/xyz\"\n", "unknown protocol \"xyz\""},
        {"      - published: 18000\n", "the target port is missing"},
        {"      - target: [8000]\n", "expected a number or a string"},
        {"      - [8000]\n", "expected \"host:container\""},
        {"      - true\n", "expected \"host:container\""},
    };
    for (const auto& [entries, message] : cases) {
        CAPTURE(entries);
        std::string error = error_of(entries);
        CAPTURE(error);
        CHECK(error.find(message) != std::string::npos);
        CHECK(error.find("docker-compose.yml:4:") == 0);
    }
}

TEST_CASE("sections of the wrong shape are input errors") {
    auto error_for = [](const std::string& yaml) -> std::string {
        try {
            deploy::published_ports(compose_from(yaml));
        } catch (const config::InputError& error) {
            return error.what();
        }
        return "";
    };
    CHECK(error_for("services: [a]\n").find("services: expected a map") != std::string::npos);
    CHECK(error_for("services:\n  server: 3\n").find("services.server: expected a map") !=
          std::string::npos);
    CHECK(error_for("services:\n  server:\n    ports: \"8000:8000\"\n")
              .find("docker-compose.yml:3:12: services.server.ports: expected a list") !=
          std::string::npos);
}

TEST_CASE("Ports interpolate the variables of the project's .env") {
    config::ComposeFile file = compose_from(
        "services:\n  server:\n    ports:\n"
        "      - \"${WS_PORT}:8000\"\n      - \"$HTTP_PORT:8003\"\n"
        "      - \"${OTHER:-9000}:9000\"\n      - \"${EMPTY:-9001}:9001\"\n"
        "      - \"${UNSET}:9003\"\n");
    file.variables = {{"WS_PORT", "18000"}, {"HTTP_PORT", "18003"}, {"EMPTY", ""}};
    const std::vector<PublishedPort> ports = deploy::published_ports(file);
    REQUIRE(ports.size() == 4);
    CHECK(ports[0].host_port == 18000);
    CHECK(ports[1].host_port == 18003);
    CHECK(ports[2].host_port == 9000);
    CHECK(ports[3].host_port == 9001);
    CHECK(deploy::interpolate("${EMPTY-9002}", file.variables) == std::string());
    CHECK_FALSE(deploy::interpolate("${UNSET}", file.variables));
    CHECK(deploy::interpolate("$$HOME", file.variables) == std::string("$HOME"));
}
