// config.duplicate-key: one warning per repeated YAML key, at the later occurrence.
#include <catch2/catch.hpp>

#include "analysis/catalogue.hpp"
#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

TEST_CASE("duplicate-key: a repeated port names both lines and the value PyYAML keeps",
          "[analysis][duplicate-key]") {
    const Deployment d = deployment(
        "server:\n"
        "  port: 8000\n"
        "  ip: 0.0.0.0\n"
        "  port: 8100\n");
    const auto findings = d.findings("config.duplicate-key");
    REQUIRE(findings.size() == 1);
    const Finding& finding = findings[0];
    CHECK(finding.severity == Severity::warning);
    CHECK(finding.key == "server.port");
    CHECK(finding.message ==
          "server.port is written twice in config.yaml (lines 2 and 4); PyYAML keeps the last "
          "value, 8100");
    CHECK(finding.suggestion == "remove one of them");
    CHECK(finding.origin.layer == "file");
    CHECK(finding.origin.to_string() == "config.yaml:4:3");
    REQUIRE(finding.related.size() == 1);
    CHECK(finding.related[0].layer == "file");
    CHECK(finding.related[0].to_string() == "config.yaml:2:3");
    CHECK(d.effective.get_int("server.port") == 8100);
}

TEST_CASE("duplicate-key: a key written three times gives two findings that say so",
          "[analysis][duplicate-key]") {
    const Deployment d = deployment("server:\n  port: 1\n  port: 2\n  port: 8100\n");
    const auto findings = d.findings("config.duplicate-key");
    REQUIRE(findings.size() == 2);
    for (const auto& finding : findings) {
        CHECK(finding.message ==
              "server.port is written 3 times in config.yaml (lines 2, 3 and 4); PyYAML keeps the "
              "last value, 8100");
        CHECK(finding.suggestion == "remove all but one of them");
        CHECK(finding.related.at(0).pos.line == 2);
    }
    CHECK(findings[0].origin.pos.line == 3);
    CHECK(findings[1].origin.pos.line == 4);
}

TEST_CASE("duplicate-key: secrets and maps are not spelled out, one line shows columns",
          "[analysis][duplicate-key]") {
    const Deployment secret = deployment("server:\n  auth_key: old\n  auth_key: s3cret\n");
    const auto secret_findings = secret.findings("config.duplicate-key");
    REQUIRE(secret_findings.size() == 1);
    CHECK(secret_findings[0].message.find("s3cret") == std::string::npos);
    CHECK(secret_findings[0].message.find("a secret value") != std::string::npos);

    const Deployment map = deployment("server:\n  port: 8000\nserver:\n  ip: 1.2.3.4\n");
    const auto map_findings = map.findings("config.duplicate-key");
    REQUIRE(map_findings.size() == 1);
    CHECK(map_findings[0].message ==
          "server is written twice in config.yaml (lines 1 and 3); PyYAML keeps the last map, "
          "without the earlier's keys");

    const Deployment flow = deployment("server: {port: 8000, port: 8100}\n");
    const auto flow_findings = flow.findings("config.duplicate-key");
    REQUIRE(flow_findings.size() == 1);
    CHECK(flow_findings[0].message ==
          "server.port is written twice in config.yaml (1:10 and 1:22); PyYAML keeps the last "
          "value, 8100");
}

TEST_CASE("duplicate-key: each file's repetitions, none for merge keys or distinct maps",
          "[analysis][duplicate-key]") {
    DeploymentSpec spec;
    spec.files = {"server:\n  port: 8000\n  port: 8100\n",
                  "base: &base {port: 1}\n"
                  "server:\n"
                  "  <<: *base\n"
                  "  http_port: 8003\n"
                  "  http_port: 8004\n"};
    const auto findings = deployment(spec).findings("config.duplicate-key");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].origin.pos.file == "config.yaml");
    CHECK(findings[1].origin.pos.file == "data/.config.yaml");
    CHECK(findings[1].key == "server.http_port");

    CHECK(deployment("base: &base {port: 1}\nserver:\n  <<: *base\n  port: 2\n")
              .findings("config.duplicate-key")
              .empty());
    CHECK(deployment("server:\n  port: 1\nother:\n  port: 2\n")
              .findings("config.duplicate-key")
              .empty());
}

TEST_CASE("duplicate-key: in the catalogue as a warning", "[analysis][duplicate-key]") {
    const RuleInfo* rule = find_rule("config.duplicate-key");
    REQUIRE(rule != nullptr);
    CHECK(rule->severity == Severity::warning);
}
