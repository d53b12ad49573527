// The sample deployments of tests/fixtures, loaded through config::load, and what they must report.
#include <catch2/catch.hpp>

#include "analysis/catalogue.hpp"
#include "analysis_fixture.hpp"

using namespace xiaozhi;
using namespace xiaozhi::analysis;
using namespace xiaozhi::analysis::testing;

namespace {

std::size_t count_at(const std::vector<Finding>& findings, Severity severity) {
    std::size_t n = 0;
    for (const auto& f : findings) n += f.severity == severity ? 1 : 0;
    return n;
}

// Every finding uses a catalogue rule at or below the rule's catalogue severity.
void check_catalogued(const std::vector<Finding>& findings) {
    for (const auto& f : findings) {
        CAPTURE(f.rule, f.message);
        const RuleInfo* rule = find_rule(f.rule);
        REQUIRE(rule != nullptr);
        CHECK(f.severity <= rule->severity);
        CHECK_FALSE(f.message.empty());
    }
}

}  // namespace

TEST_CASE("fixture single-module: no error, one url.placeholder for server.vision_explain",
          "[analysis][fixtures]") {
    auto findings = fixture_findings("single-module", deploy::Runtime::python);
    check_catalogued(findings);
    CHECK(count_at(findings, Severity::error) == 0);
    auto placeholders = of_rule(findings, "url.placeholder");
    REQUIRE(placeholders.size() == 1);
    CHECK(placeholders[0].key == "server.vision_explain");
    CHECK(count_at(findings, Severity::warning) == 1);
}

TEST_CASE("fixture seed-port-mismatch: url.port-mismatch error from data/.config.yaml",
          "[analysis][fixtures]") {
    auto findings = fixture_findings("seed-port-mismatch", deploy::Runtime::python);
    check_catalogued(findings);
    auto mismatches = of_rule(findings, "url.port-mismatch");
    REQUIRE(mismatches.size() == 1);
    CHECK(mismatches[0].severity == Severity::error);
    CHECK(mismatches[0].key == "server.websocket");
    CHECK_THAT(mismatches[0].origin.pos.file, Catch::EndsWith("data/.config.yaml"));
    CHECK_THAT(mismatches[0].suggestion, Catch::Contains(":8100/xiaozhi/v1/"));
    CHECK(count_at(findings, Severity::error) == 1);
}

TEST_CASE("fixture compose-published: compose.port-mismatch, the vision URL is fine",
          "[analysis][fixtures]") {
    auto findings = fixture_findings("compose-published", deploy::Runtime::python);
    check_catalogued(findings);
    auto mismatches = of_rule(findings, "compose.port-mismatch");
    REQUIRE(mismatches.size() == 1);
    CHECK(mismatches[0].severity == Severity::error);
    CHECK(mismatches[0].key == "server.websocket");
    CHECK_THAT(mismatches[0].message, Catch::Contains("18000"));
    CHECK(count_at(findings, Severity::error) == 1);
}

TEST_CASE("fixture native-toml with the xiaozhi runtime: no error", "[analysis][fixtures]") {
    config::LoadOptions options;
    options.paths = {std::string(XIAOZHI_FIXTURES) + "/native-toml/xiaozhi.toml"};
    config::Loaded loaded = config::load(options);
    deploy::Model model = deploy::build_models(loaded, deploy::Runtime::xiaozhi).front();
    host::Snapshot host;
    auto findings = analyze(Inputs{loaded.effective, model, host});
    check_catalogued(findings);
    CHECK(count_at(findings, Severity::error) == 0);
    CHECK(of_rule(findings, "port.shared").size() == 1);
    CHECK(of_rule(findings, "port.conflict").empty());
}

TEST_CASE("fixture reference-layout: no error and no config.unknown-key", "[analysis][fixtures]") {
    auto findings = fixture_findings("reference-layout", deploy::Runtime::python);
    check_catalogued(findings);
    CHECK(count_at(findings, Severity::error) == 0);
    CHECK(of_rule(findings, "config.unknown-key").empty());
    CHECK(of_rule(findings, "config.type").empty());
}
