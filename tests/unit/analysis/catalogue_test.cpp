// The rule catalogue, finding order and the failure threshold.
#include <catch2/catch.hpp>

#include <set>

#include "analysis/catalogue.hpp"
#include "analysis/finding.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;

TEST_CASE("catalogue: every rule of DESIGN.md plus port.shared, ids unique",
          "[analysis][catalogue]") {
    const std::set<std::string> expected = {"port.conflict",
                                            "port.invalid",
                                            "port.privileged",
                                            "port.ephemeral",
                                            "port.in-use",
                                            "port.held-by-self",
                                            "url.malformed",
                                            "url.scheme",
                                            "url.placeholder",
                                            "url.unroutable",
                                            "url.container-address",
                                            "url.port-mismatch",
                                            "url.wrong-service",
                                            "url.path",
                                            "url.sentinel-host",
                                            "url.docker-host",
                                            "url.list-entry",
                                            "compose.port-mismatch",
                                            "compose.port-conflict",
                                            "auth.weak-secret",
                                            "auth.placeholder-secret",
                                            "mqtt.endpoint",
                                            "config.unknown-key",
                                            "config.legacy-key",
                                            "config.type",
                                            "port.shared",
                                            "config.duplicate-key",
                                            "url.container-derived",
                                            "config.management-api",
                                            "config.ignored-key",
                                            "firmware.url",
                                            "compose.config-not-mounted",
                                            "tls.file-unreadable",
                                            "tls.not-pem",
                                            "tls.key-mismatch",
                                            "tls.chain-broken",
                                            "tls.expired",
                                            "tls.not-yet-valid",
                                            "tls.expiring",
                                            "tls.host-not-covered",
                                            "tls.unused-certificate",
                                            "tls.incomplete",
                                            "url.tls-no-listener",
                                            "url.plain-on-tls-port",
                                            "url.wss-on-plain-port",
                                            "upstream.loop",
                                            "upstream.malformed",
                                            "upstream.scheme",
                                            "upstream.missing",
                                            "upstream.loopback-in-container",
                                            "upstream.not-listening",
                                            "fleet.port-conflict",
                                            "fleet.duplicate-url",
                                            "fleet.revision-mismatch"};
    std::set<std::string> ids;
    for (const auto& rule : rule_catalogue()) {
        CHECK(ids.insert(rule.id).second);
        CHECK_FALSE(rule.description.empty());
        CHECK(rule.description.find('\n') == std::string::npos);
    }
    CHECK(ids == expected);
    CHECK(rule_catalogue().front().id == "port.conflict");
}

TEST_CASE("catalogue: find_rule and severities", "[analysis][catalogue]") {
    REQUIRE(find_rule("port.conflict") != nullptr);
    CHECK(find_rule("port.conflict")->severity == Severity::error);
    CHECK(find_rule("port.shared")->severity == Severity::info);
    CHECK(find_rule("url.placeholder")->severity == Severity::warning);
    CHECK(find_rule("port.held-by-self")->severity == Severity::info);
    CHECK(find_rule("no.such-rule") == nullptr);
}

TEST_CASE("finding: severity names", "[analysis][finding]") {
    CHECK(severity_name(Severity::info) == "info");
    CHECK(severity_name(Severity::warning) == "warning");
    CHECK(severity_name(Severity::error) == "error");
}

namespace {

Finding finding(std::string rule, Severity severity, std::string file, int line) {
    Finding f;
    f.rule = std::move(rule);
    f.severity = severity;
    f.origin.pos = config::Position{std::move(file), line, 1};
    return f;
}

}  // namespace

TEST_CASE("finding: most severe first, then file, line, rule", "[analysis][finding]") {
    std::vector<Finding> findings = {
        finding("url.path", Severity::warning, "a.yaml", 1),
        finding("port.conflict", Severity::error, "b.yaml", 9),
        finding("url.scheme", Severity::error, "b.yaml", 3),
        finding("port.shared", Severity::info, "a.yaml", 1),
        finding("url.path", Severity::error, "a.yaml", 3),
        finding("port.invalid", Severity::error, "a.yaml", 3),
    };
    sort_findings(findings);
    std::vector<std::string> order;
    for (const auto& f : findings) order.push_back(f.rule + "@" + f.origin.pos.file);
    CHECK(order == std::vector<std::string>{"port.invalid@a.yaml", "url.path@a.yaml",
                                            "url.scheme@b.yaml", "port.conflict@b.yaml",
                                            "url.path@a.yaml", "port.shared@a.yaml"});
}

TEST_CASE("finding: any_at_or_above", "[analysis][finding]") {
    std::vector<Finding> findings = {finding("url.path", Severity::warning, "a.yaml", 1)};
    CHECK(any_at_or_above(findings, Severity::info));
    CHECK(any_at_or_above(findings, Severity::warning));
    CHECK_FALSE(any_at_or_above(findings, Severity::error));
    CHECK_FALSE(any_at_or_above({}, Severity::info));
}
