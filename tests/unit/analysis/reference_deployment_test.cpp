// The reference's semantics per deployment: templates, derived addresses, TLS, vision, firmware.
#include <catch2/catch.hpp>

#include "analysis/deployments.hpp"
#include "analysis_fixture.hpp"
#include "config/load.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;
using xiaozhi::test::TempDir;

namespace {

const std::string template_urls =
    "server:\n  ip: 0.0.0.0\n  port: 8000\n  http_port: 8003\n"
    "  websocket: ws://你的ip或者域名:端口号/xiaozhi/v1/\n"
    "  vision_explain: http://你的ip或者域名:端口号/mcp/vision/explain\n";

const std::string upstream_compose =
    "services:\n"
    "  xiaozhi-esp32-server:\n"
    "    image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:server_latest\n"
    "    ports:\n      - \"8000:8000\"\n      - \"8003:8003\"\n"
    "    volumes:\n      - ./data:/opt/xiaozhi-esp32-server/data\n";

// `config` as data/.config.yaml, which a container of the release image reads.
Deployment with_compose(const std::string& config, const std::string& compose) {
    DeploymentSpec spec;
    spec.files = {"", config};
    spec.compose = compose;
    return deployment(spec);
}

std::vector<Finding> folder_findings(const TempDir& dir, config::LoadOptions options = {}) {
    options.paths = {dir.path()};
    return analyze_deployments(config::load(options), deploy::Runtime::python, host::Snapshot{});
}

}  // namespace

TEST_CASE(
    "A template in a bridge container derives the container's own address: url.container-derived",
    "[analysis][url.container-derived]") {
    auto d = with_compose(template_urls, upstream_compose);
    auto derived = d.findings("url.container-derived");
    REQUIRE(derived.size() == 2);
    CHECK(derived[0].severity == Severity::error);
    CHECK(derived[0].key == "server.websocket");
    CHECK_THAT(derived[0].message, Catch::Contains("xiaozhi-esp32-server") &&
                                       Catch::Contains("ws://<the container's address>:8000"));
    CHECK_THAT(derived[0].suggestion, Catch::Contains(":8000/xiaozhi/v1/"));
    CHECK(derived[1].key == "server.vision_explain");
    CHECK(d.findings("url.placeholder").empty());
    CHECK(d.findings("compose.port-mismatch").empty());
}

TEST_CASE(
    "A template with a remapped port: devices are told the container port, which is not published",
    "[analysis][compose.port-mismatch]") {
    auto d =
        with_compose(template_urls,
                     "services:\n  server:\n    image: xinnan/xiaozhi-esp32-server:server_latest\n"
                     "    ports:\n      - \"18000:8000\"\n      - \"8003:8003\"\n");
    auto mismatch = d.findings("compose.port-mismatch");
    REQUIRE(mismatch.size() == 1);
    CHECK(mismatch[0].key == "server.websocket");
    CHECK_THAT(mismatch[0].message, Catch::Contains("18000"));
    auto derived = d.findings("url.container-derived");
    REQUIRE(derived.size() == 2);
    CHECK_THAT(derived[0].suggestion, Catch::Contains(":18000/xiaozhi/v1/"));
}

TEST_CASE(
    "A template on the host, or with network_mode host: url.placeholder names the default route",
    "[analysis][url.placeholder]") {
    DeploymentSpec spec;
    spec.files = {template_urls};
    spec.host = probed_host();
    spec.host.default_route_address = "192.168.1.20";
    auto host_run = deployment(spec).findings("url.placeholder");
    REQUIRE(host_run.size() == 2);
    CHECK(host_run[0].severity == Severity::warning);
    CHECK_THAT(host_run[0].message, Catch::Contains("ws://192.168.1.20:8000/xiaozhi/v1/") &&
                                        Catch::Contains("default route"));

    auto unprobed = deployment(template_urls).findings("url.placeholder");
    REQUIRE(unprobed.size() == 2);
    CHECK_THAT(unprobed[0].message, Catch::Contains("<this host's default-route address>"));

    auto host_network =
        with_compose(template_urls,
                     "services:\n  server:\n    image: xinnan/xiaozhi-esp32-server:server_latest\n"
                     "    network_mode: host\n    ports:\n      - \"18000:8000\"\n");
    CHECK(host_network.findings("url.placeholder").size() == 2);
    CHECK(host_network.findings("url.container-derived").empty());
    CHECK(host_network.findings("compose.port-mismatch").empty());
}

TEST_CASE("Only 你的 is the template: English template text goes to devices as written",
          "[analysis][url.placeholder]") {
    auto malformed = deployment("server:\n  websocket: ws://your-ip-or-domain:port/xiaozhi/v1/\n");
    CHECK(malformed.findings("url.placeholder").empty());
    REQUIRE(malformed.findings("url.malformed").size() == 1);

    auto named = deployment("server:\n  websocket: ws://your-server-ip:8000/xiaozhi/v1/\n");
    CHECK(named.findings("url.placeholder").empty());
    auto sentinel = named.findings("url.sentinel-host");
    REQUIRE(sentinel.size() == 1);
    CHECK_THAT(sentinel[0].message, Catch::Contains("your-server-ip"));
    for (const Finding& finding : named.findings()) {
        CHECK_THAT(finding.message, !Catch::Contains("derive"));
    }
}

TEST_CASE("wss:// and https:// go through a TLS proxy: no port findings, unless at the plain port",
          "[analysis][url.scheme]") {
    auto proxied = deployment(
        "server:\n  port: 8000\n  websocket: wss://voice.example.com/xiaozhi/v1/\n"
        "  vision_explain: https://voice.example.com/mcp/vision/explain\n");
    CHECK(proxied.findings().empty());

    auto plain =
        deployment("server:\n  port: 8000\n  websocket: wss://192.168.1.20:8000/xiaozhi/v1/\n");
    auto scheme = plain.findings("url.scheme");
    REQUIRE(scheme.size() == 1);
    CHECK(scheme[0].severity == Severity::error);
    CHECK_THAT(scheme[0].suggestion, Catch::StartsWith("use ws://192.168.1.20:8000/xiaozhi/v1/"));
    CHECK(plain.findings("url.port-mismatch").empty());
}

TEST_CASE("A vision URL of another port is a vision service of its own, not a port mismatch",
          "[analysis][url.port-mismatch]") {
    auto d = deployment(
        "server:\n  port: 8000\n  http_port: 8003\n"
        "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n"
        "  vision_explain: http://192.168.1.20:8090/mcp/vision/explain\n");
    CHECK(d.findings().empty());
    auto at_websocket = deployment(
        "server:\n  port: 8000\n  http_port: 8003\n"
        "  vision_explain: http://192.168.1.20:8000/mcp/vision/explain\n");
    CHECK(at_websocket.findings("url.wrong-service").size() == 1);
}

TEST_CASE("The management web service's mappings are never compared with the server's ports",
          "[analysis][compose.port-mismatch]") {
    auto d = with_compose(
        "server:\n  port: 8000\n  http_port: 8003\n"
        "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n",
        upstream_compose +
            "  xiaozhi-esp32-server-web:\n"
            "    image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:web_latest\n"
            "    ports:\n      - \"8002:8002\"\n");
    CHECK(d.findings().empty());
}

TEST_CASE("A server on the host's network and a service publishing its port: compose.port-conflict",
          "[analysis][compose.port-conflict]") {
    auto d = with_compose(
        "server:\n  port: 8000\n  http_port: 8003\n"
        "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n",
        "services:\n  proxy:\n    image: nginx:stable\n    ports:\n      - \"8003:80\"\n");
    auto conflict = d.findings("compose.port-conflict");
    REQUIRE(conflict.size() == 1);
    CHECK(conflict[0].key == "services.proxy.ports");
    CHECK_THAT(conflict[0].message, Catch::Contains("8003"));
}

TEST_CASE("Alternative compose files are projects of their own, and shared findings name them all",
          "[analysis][deployments]") {
    TempDir dir;
    dir.write("config.yaml", template_urls);
    dir.write("data/.config.yaml", "");
    dir.write("docker-compose.yml", upstream_compose);
    dir.write("docker-compose_all.yml",
              upstream_compose +
                  "  xiaozhi-esp32-server-web:\n"
                  "    image: ghcr.nju.edu.cn/xinnan-tech/xiaozhi-esp32-server:web_latest\n"
                  "    ports:\n      - \"8002:8002\"\n"
                  "  other:\n    image: nginx\n    ports:\n      - \"8000:80\"\n");
    auto findings = folder_findings(dir);
    auto derived = of_rule(findings, "url.container-derived");
    REQUIRE(derived.size() == 2);
    CHECK(derived[0].deployments ==
          std::vector<std::string>{"docker-compose.yml", "docker-compose_all.yml"});
    auto conflicts = of_rule(findings, "compose.port-conflict");
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].deployments == std::vector<std::string>{"docker-compose_all.yml"});
    CHECK(findings.size() == 3);

    config::LoadOptions host_run;
    host_run.no_compose = true;
    auto from_source = folder_findings(dir, host_run);
    REQUIRE(from_source.size() == 2);
    for (const Finding& finding : from_source) {
        CHECK(finding.rule == "url.placeholder");
        CHECK(finding.deployments.empty());
    }
}

TEST_CASE("Management-API mode: config.yaml is never pointed at, ignored local keys, one info",
          "[analysis][config.management-api]") {
    TempDir dir;
    dir.write("config.yaml",
              "server:\n  port: 8000\n  http_port: 8000\n  websocket: ws://0.0.0.0:1/\n");
    dir.write("data/.config.yaml",
              "manager-api:\n  url: http://xiaozhi-esp32-server-web:8002/xiaozhi\n"
              "  secret: 3b9f1c2e-77aa-4d1e\n"
              "server:\n  websocket: ws://192.168.1.5:8000/xiaozhi/v1/\n"
              "LLM:\n  ChatGLMLLM:\n    type: openai\n");
    auto findings = folder_findings(dir);
    for (const Finding& finding : findings) {
        CHECK_THAT(finding.origin.pos.file,
                   !Catch::EndsWith("/config.yaml") || Catch::EndsWith("/.config.yaml"));
    }
    auto info = of_rule(findings, "config.management-api");
    REQUIRE(info.size() == 1);
    CHECK(info[0].severity == Severity::info);
    auto ignored = of_rule(findings, "config.ignored-key");
    REQUIRE(ignored.size() == 2);
    CHECK(ignored[0].key == "server.websocket");
    CHECK(ignored[0].severity == Severity::warning);
    CHECK_THAT(ignored[0].suggestion, Catch::Contains("management console"));
    CHECK(ignored[1].key == "LLM");
    CHECK(ignored[1].severity == Severity::info);
    CHECK(findings.size() == 3);

    dir.write("remote.yaml", "server:\n  websocket: ws://xiaozhi.server.com:8000/xiaozhi/v1/\n");
    config::LoadOptions with_remote;
    with_remote.remote_file = dir.path() + "/remote.yaml";
    auto remote = folder_findings(dir, with_remote);
    CHECK(of_rule(remote, "config.management-api").empty());
    REQUIRE(of_rule(remote, "url.sentinel-host").size() == 1);
}

TEST_CASE("firmware.url: firmware URLs are built from the vision URL", "[analysis][firmware.url]") {
    TempDir dir;
    dir.write("data/bin/bread-compact-wifi_1.7.0.bin", "image");
    dir.write("config.yaml",
              "server:\n  port: 8000\n  http_port: 8003\n"
              "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n"
              "  vision_explain: http://192.168.1.20:8090/vision\n");
    auto other_path = of_rule(folder_findings(dir), "firmware.url");
    REQUIRE(other_path.size() == 1);
    CHECK(other_path[0].severity == Severity::error);
    CHECK(other_path[0].key == "server.vision_explain");
    CHECK_THAT(other_path[0].message, Catch::Contains("bread-compact-wifi_1.7.0.bin"));

    dir.write("config.yaml",
              "server:\n  port: 8000\n  http_port: 8003\n"
              "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n"
              "  vision_explain: http://192.168.1.20:8090/mcp/vision/explain\n");
    auto other_port = of_rule(folder_findings(dir), "firmware.url");
    REQUIRE(other_port.size() == 1);
    CHECK(other_port[0].suggestion ==
          "set server.vision_explain to http://192.168.1.20:8003/mcp/vision/explain (the HTTP "
          "listener's vision endpoint)");

    dir.write("config.yaml",
              "server:\n  port: 8000\n  http_port: 8003\n"
              "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n"
              "  vision_explain: http://192.168.1.20:8003/mcp/vision/explain\n");
    CHECK(folder_findings(dir).empty());
}

TEST_CASE("Reference behaviours: a null WebSocket URL, a local URL list, a quoted port",
          "[analysis][url.list-entry]") {
    auto null_url = deployment("server:\n  websocket:\n");
    auto sentinel = null_url.findings("url.sentinel-host");
    REQUIRE(sentinel.size() == 1);
    CHECK_THAT(sentinel[0].message, Catch::Contains("request error."));

    auto local_list = deployment(
        "server:\n  websocket: "
        "ws://192.168.1.20:8000/xiaozhi/v1/;ws://192.168.1.21:8000/xiaozhi/v1/\n");
    auto list = local_list.findings("url.list-entry");
    REQUIRE(list.size() == 1);
    CHECK(list[0].severity == Severity::error);
    CHECK(local_list.findings().size() == 1);

    auto quoted = deployment(
        "server:\n  port: \"8000\"\n  http_port: \"8003\"\n"
        "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n");
    CHECK(quoted.findings().empty());
    CHECK(quoted.model.listeners.size() == 2);
}

TEST_CASE("selected_module beside manager-api.url stops the reference",
          "[analysis][config.ignored-key]") {
    TempDir dir;
    dir.write("config.yaml", "server:\n  port: 8000\n");
    dir.write("data/.config.yaml",
              "manager-api:\n  url: http://127.0.0.1:8002/xiaozhi\n  secret: 3b9f1c2e-77aa\n"
              "selected_module:\n  LLM: ChatGLMLLM\n");
    auto ignored = of_rule(folder_findings(dir), "config.ignored-key");
    REQUIRE(ignored.size() == 1);
    CHECK(ignored[0].severity == Severity::error);
    CHECK_THAT(ignored[0].message, Catch::Contains("refuse to start"));
}

TEST_CASE("The release image reads its own config.yaml: the folder's edits never reach it",
          "[analysis][compose.config-not-mounted]") {
    DeploymentSpec spec;
    spec.files = {
        "server:\n  port: 8000\n  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n"
        "  vision_explain: http://你的ip或者域名:端口号/mcp/vision/explain\n",
        "server:\n  http_port: 8003\n"};
    spec.compose = upstream_compose;
    auto found = deployment(spec).findings("compose.config-not-mounted");
    REQUIRE(found.size() == 1);
    CHECK(found[0].key == "server.websocket");
    CHECK(found[0].origin.pos.file == "config.yaml");
    CHECK_THAT(found[0].message, Catch::Contains("ws://你的ip或者域名:端口号/xiaozhi/v1/"));

    spec.compose =
        upstream_compose + "      - ./config.yaml:/opt/xiaozhi-esp32-server/config.yaml\n";
    CHECK(deployment(spec).findings("compose.config-not-mounted").empty());
    spec.compose =
        "services:\n  server:\n    build:\n      context: .\n      dockerfile: Dockerfile-server\n"
        "    ports:\n      - \"8000:8000\"\n";
    CHECK(deployment(spec).findings("compose.config-not-mounted").empty());
}

TEST_CASE("serve reading a management-API folder keeps its own rules",
          "[analysis][config.ignored-key]") {
    TempDir dir;
    dir.write("config.yaml", "server:\n  port: 8000\n");
    dir.write("data/.config.yaml",
              "manager-api:\n  url: http://127.0.0.1:8002/xiaozhi\n  secret: 3b9f1c2e-77aa\n"
              "selected_module:\n  LLM: ChatGLMLLM\n");
    config::LoadOptions options;
    options.paths = {dir.path()};
    const auto findings =
        analyze_deployments(config::load(options), deploy::Runtime::xiaozhi, host::Snapshot{});
    CHECK(of_rule(findings, "config.ignored-key").empty());
    CHECK(of_rule(findings, "config.management-api").empty());
}
