// Tests of findings written as SARIF 2.1.0 for GitHub code scanning.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "analysis/catalogue.hpp"
#include "report/findings_report.hpp"
#include "report_test_support.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using namespace xiaozhi::report::test;
using nlohmann::json;

namespace {

json sarif_of(const std::vector<analysis::Finding>& findings) {
    std::ostringstream out;
    FindingsContext context;
    context.tool_version = "0.1.0";
    write_findings(out, Format::sarif, findings, context);
    return json::parse(out.str());
}

}  // namespace

TEST_CASE("sarif: schema and version and driver", "[sarif]") {
    const json document = sarif_of(sample_findings());
    CHECK(document.at("$schema") == "https://json.schemastore.org/sarif-2.1.0.json");
    CHECK(document.at("version") == "2.1.0");
    REQUIRE(document.at("runs").size() == 1);
    const json& driver = document["runs"][0].at("tool").at("driver");
    CHECK(driver.at("name") == "xiaozhi");
    CHECK(driver.at("version") == "0.1.0");
    CHECK_FALSE(driver.contains("informationUri"));
}

TEST_CASE("sarif: the rules array holds every catalogue rule in order", "[sarif]") {
    const json document = sarif_of({});
    const json& rules = document["runs"][0]["tool"]["driver"].at("rules");
    const auto& catalogue = analysis::rule_catalogue();
    REQUIRE(rules.size() == catalogue.size());
    for (std::size_t i = 0; i < catalogue.size(); ++i) {
        const json& rule = rules[i];
        CHECK(rule.at("id") == catalogue[i].id);
        CHECK_FALSE(rule.at("name").get<std::string>().empty());
        CHECK(rule.at("shortDescription").at("text") == catalogue[i].description);
        CHECK(rule.at("fullDescription").at("text").is_string());
        CHECK(rule.at("help").at("text").is_string());
        const std::string level = rule.at("defaultConfiguration").at("level");
        CHECK((level == "error" || level == "warning" || level == "note"));
    }
    CHECK(document["runs"][0].at("results").empty());
}

TEST_CASE("sarif: a result in a file has a region and its rule index", "[sarif]") {
    const json document = sarif_of(sample_findings());
    const json& results = document["runs"][0].at("results");
    REQUIRE(results.size() == 3);
    const json& result = results[0];
    CHECK(result.at("ruleId") == "port.conflict");
    const auto* rule = analysis::find_rule("port.conflict");
    REQUIRE(rule != nullptr);
    const json& rules = document["runs"][0]["tool"]["driver"]["rules"];
    CHECK(rules.at(result.at("ruleIndex").get<std::size_t>()).at("id") == "port.conflict");
    CHECK(result.at("level") == "error");
    CHECK(result.at("message").at("text") == "server.port 8000 is also server.http_port");
    const json& physical = result.at("locations").at(0).at("physicalLocation");
    CHECK(physical.at("artifactLocation").at("uri") == "config.yaml");
    CHECK(physical.at("region").at("startLine") == 3);
    CHECK(physical.at("region").at("startColumn") == 9);
    REQUIRE(result.at("relatedLocations").size() == 1);
    CHECK(result["relatedLocations"][0].at("physicalLocation").at("artifactLocation").at("uri") ==
          "data/.config.yaml");
    CHECK(results[2].at("level") == "warning");
}

TEST_CASE("sarif: info findings are notes", "[sarif]") {
    const json document =
        sarif_of({make_finding("port.shared", analysis::Severity::info, "one listener",
                               "server.port", file_origin("a.toml", 2, 1))});
    CHECK(document["runs"][0]["results"][0].at("level") == "note");
}

TEST_CASE("sarif: region omitted without a line and backslashes become forward slashes",
          "[sarif]") {
    const json document = sarif_of({make_finding("compose.port-conflict", analysis::Severity::error,
                                                 "two services publish 8000", "services",
                                                 file_origin("deploy\\docker-compose.yml", 0, 0))});
    const json& physical = document["runs"][0]["results"][0]["locations"][0].at("physicalLocation");
    CHECK(physical.at("artifactLocation").at("uri") == "deploy/docker-compose.yml");
    CHECK_FALSE(physical.contains("region"));
}

TEST_CASE("sarif: a non-file origin has a logical location and no physical one", "[sarif]") {
    const json document = sarif_of(
        {make_finding("port.invalid", analysis::Severity::error, "port 70000 is out of range",
                      "server.port", env_origin("XIAOZHI_SERVER__PORT"))});
    const json& location = document["runs"][0]["results"][0]["locations"][0];
    CHECK_FALSE(location.contains("physicalLocation"));
    CHECK(location.at("logicalLocations").at(0).at("fullyQualifiedName") == "server.port");
}

TEST_CASE("sarif: partial fingerprints are stable and depend on rule and key and file", "[sarif]") {
    const auto fingerprint = [](const std::vector<analysis::Finding>& findings) {
        return sarif_of(findings)["runs"][0]["results"][0]
            .at("partialFingerprints")
            .at("primaryLocationLineHash")
            .get<std::string>();
    };
    const auto findings = sample_findings();
    CHECK(fingerprint(findings) == "95d63b671cc3b189");
    CHECK(fingerprint(findings) == fingerprint(findings));

    auto moved = findings;
    moved[0].origin.pos.line = 30;
    moved[0].message = "reworded";
    CHECK(fingerprint(moved) == fingerprint(findings));

    auto other_key = findings;
    other_key[0].key = "server.http_port";
    CHECK(fingerprint(other_key) != fingerprint(findings));
}
