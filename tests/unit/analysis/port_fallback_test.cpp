// server.port_fallback: a taken listen port is a warning when serve would bind another one.
#include <catch2/catch.hpp>

#include "analysis/port_fallback.hpp"
#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

// A xiaozhi deployment whose WebSocket port 8000 is held by another process.
Deployment taken_port(const std::string& policy_line) {
    DeploymentSpec spec;
    spec.files = {"server:\n  port: 8000\n" + policy_line};
    spec.runtime = deploy::Runtime::xiaozhi;
    spec.host = probed_host();
    spec.host.sockets.push_back(held(8000));
    return deployment(spec);
}

}  // namespace

TEST_CASE("port_fallback next or any lowers port.in-use on a listen port to a warning",
          "[analysis][port_fallback]") {
    for (const std::string policy : {"next", "any"}) {
        INFO(policy);
        const Deployment d = taken_port("  port_fallback: " + policy + "\n");
        CHECK(port_fallback_allowed(d.effective));
        auto findings = d.findings();
        REQUIRE(of_rule(findings, "port.in-use").size() == 1);
        CHECK(of_rule(findings, "port.in-use")[0].severity == Severity::error);
        soften_for_port_fallback(findings, d.effective);
        const auto in_use = of_rule(findings, "port.in-use");
        REQUIRE(in_use.size() == 1);
        CHECK(in_use[0].severity == Severity::warning);
        CHECK_THAT(in_use[0].message,
                   Catch::Contains("server.port_fallback = " + policy + " picks another port"));
    }
}

TEST_CASE("port_fallback fail, or none, keeps port.in-use an error", "[analysis][port_fallback]") {
    for (const std::string line : {"  port_fallback: fail\n", ""}) {
        const Deployment d = taken_port(line);
        CHECK_FALSE(port_fallback_allowed(d.effective));
        auto findings = d.findings();
        soften_for_port_fallback(findings, d.effective);
        const auto in_use = of_rule(findings, "port.in-use");
        REQUIRE(in_use.size() == 1);
        CHECK(in_use[0].severity == Severity::error);
    }
}
