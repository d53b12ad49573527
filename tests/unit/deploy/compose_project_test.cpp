// Tests of compose projects: the xiaozhi server's service, its network, Compose's port merge.
#include <catch2/catch.hpp>

#include "config/parse.hpp"
#include "deploy/compose_project.hpp"

using namespace xiaozhi;

namespace {

config::ComposeFile file_from(const std::string& name, const std::string& yaml) {
    return config::ComposeFile{name, config::parse_text(yaml, config::Syntax::yaml, name), {}};
}

config::Node service_from(const std::string& yaml) {
    return config::parse_text(yaml, config::Syntax::yaml, "service.yml");
}

}  // namespace

TEST_CASE("The server's service is known by its image, not its name") {
    CHECK(deploy::is_server_service(
        service_from("image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:server_latest\n")));
    CHECK(deploy::is_server_service(
        service_from("image: ghcr.io/xinnan-tech/xiaozhi-esp32-server:server_0.8.6\n")));
    CHECK(deploy::is_server_service(
        service_from("image: registry:5000/team/xiaozhi-esp32-server\n")));
    CHECK(deploy::is_server_service(service_from("image: example/my-xiaozhi:server-arm64\n")));
    CHECK(deploy::is_server_service(
        service_from("image: ${SERVER_IMAGE:-xinnan/xiaozhi-esp32-server:server_latest}\n")));
    CHECK_FALSE(deploy::is_server_service(
        service_from("image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:web_latest\n")));
    CHECK_FALSE(deploy::is_server_service(service_from("image: mysql:latest\n")));
    CHECK_FALSE(deploy::is_server_service(service_from("image: redis:8.0\n")));
}

TEST_CASE("The server's service is known by its data mount, command or Dockerfile") {
    CHECK(deploy::is_server_service(
        service_from("image: me/voice:1\nvolumes:\n  - ./data:/opt/xiaozhi-esp32-server/data\n")));
    CHECK(deploy::is_server_service(
        service_from("image: me/voice:1\nvolumes:\n  - ./data/:/app/data\n")));
    CHECK(deploy::is_server_service(
        service_from("image: me/voice:1\nvolumes:\n  - "
                     "./config.yaml:/opt/xiaozhi-esp32-server/data/.config.yaml\n")));
    CHECK(deploy::is_server_service(
        service_from("volumes:\n  - type: bind\n    source: ./data\n    target: /srv/data\n")));
    CHECK(deploy::is_server_service(service_from("image: python:3.10\ncommand: python app.py\n")));
    CHECK(deploy::is_server_service(
        service_from("image: python:3.10\nentrypoint: [\"python\", \"app.py\"]\n")));
    CHECK(deploy::is_server_service(
        service_from("build:\n  context: .\n  dockerfile: Dockerfile-server\n")));
    CHECK_FALSE(deploy::is_server_service(
        service_from("image: mysql:latest\nvolumes:\n  - ./mysql/data:/var/lib/mysql\n")));
    CHECK_FALSE(deploy::is_server_service(service_from(
        "image: xinnan/xiaozhi-esp32-server:web_latest\nvolumes:\n  - ./data:/data\n")));
}

TEST_CASE("A project's services: the server, host networking, and every other service's ports") {
    const config::ComposeProject project{
        "docker-compose_all.yml",
        {file_from(
            "docker-compose_all.yml",
            "services:\n"
            "  xiaozhi-esp32-server:\n"
            "    image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:server_latest\n"
            "    ports:\n      - \"8000:8000\"\n      - \"8003:8003\"\n"
            "  xiaozhi-esp32-server-web:\n"
            "    image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:web_latest\n"
            "    ports:\n      - \"8002:8002\"\n"
            "  xiaozhi-esp32-server-db:\n    image: mysql:latest\n    expose:\n      - 3306\n")}};
    const auto services = deploy::project_services(project);
    REQUIRE(services.size() == 3);
    CHECK(services[0].name == "xiaozhi-esp32-server");
    CHECK(services[0].server);
    CHECK_FALSE(services[0].host_network);
    REQUIRE(services[0].ports.size() == 2);
    CHECK(services[0].ports[0].server);
    CHECK_FALSE(services[1].server);
    REQUIRE(services[1].ports.size() == 1);
    CHECK(services[1].ports[0].host_port == 8002);
    CHECK_FALSE(services[1].ports[0].server);
    CHECK(services[2].ports.empty());
    CHECK(services[0].origin.pos.line == 3);
}

TEST_CASE(
    "An override's ports are appended, an identical mapping kept once, and later scalars win") {
    const config::ComposeProject project{
        "docker-compose.yml + docker-compose.override.yml",
        {file_from("docker-compose.yml",
                   "services:\n  server:\n    image: me/voice:1\n    ports:\n"
                   "      - \"8000:8000\"\n      - \"8003:8003\"\n"),
         file_from("docker-compose.override.yml",
                   "services:\n  server:\n"
                   "    image: xinnan/xiaozhi-esp32-server:server_latest\n"
                   "    network_mode: host\n    ports:\n"
                   "      - \"8000:8000\"\n      - \"18000:8000\"\n")}};
    const auto services = deploy::project_services(project);
    REQUIRE(services.size() == 1);
    CHECK(services[0].server);
    CHECK(services[0].host_network);
    REQUIRE(services[0].ports.size() == 3);
    CHECK(services[0].ports[0].host_port == 8000);
    CHECK(services[0].ports[1].host_port == 8003);
    CHECK(services[0].ports[2].host_port == 18000);
    CHECK(services[0].ports[2].origin.pos.file == "docker-compose.override.yml");
}

TEST_CASE("Volumes of both files count for telling the server apart") {
    const config::ComposeProject project{
        "compose.yaml + compose.override.yaml",
        {file_from("compose.yaml", "services:\n  voice:\n    image: me/voice:1\n"),
         file_from("compose.override.yaml",
                   "services:\n  voice:\n    volumes:\n      - "
                   "./data:/opt/xiaozhi-esp32-server/data\n")}};
    const auto services = deploy::project_services(project);
    REQUIRE(services.size() == 1);
    CHECK(services[0].server);
}

TEST_CASE("A service running xiaozhi serve is known by its image, command or xiaozhi.toml mount") {
    CHECK(deploy::is_serve_service(service_from("image: xiaozhi-serve:local\n")));
    CHECK(deploy::is_serve_service(service_from("image: registry:5000/ops/xiaozhi-serve\n")));
    CHECK(deploy::is_serve_service(
        service_from("image: debian:bookworm\ncommand: [\"serve\", \"/etc/x.toml\"]\n")));
    CHECK(deploy::is_serve_service(
        service_from("image: debian:bookworm\nentrypoint: [\"/usr/bin/xiaozhi\", \"serve\"]\n")));
    CHECK(deploy::is_serve_service(
        service_from("image: debian:bookworm\ncommand: xiaozhi serve /etc/x.toml\n")));
    CHECK(deploy::is_serve_service(
        service_from("image: me/gw\nvolumes:\n  - ./xiaozhi.toml:/etc/xiaozhi/xiaozhi.toml:ro\n")));
    // The reference's images and a fork's own server image are not serve.
    CHECK_FALSE(deploy::is_serve_service(
        service_from("image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:server_latest\n")));
    CHECK_FALSE(deploy::is_serve_service(service_from("image: me/xiaozhi-server:1\n")));
    CHECK_FALSE(deploy::is_serve_service(
        service_from("image: me/voice\ncommand: [\"python\", \"app.py\"]\n")));
}
