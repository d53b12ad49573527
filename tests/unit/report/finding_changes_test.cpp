// Tests of the findings a configuration change introduces and resolves.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "report/config_report.hpp"
#include "report/findings_report.hpp"
#include "report_test_support.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using namespace xiaozhi::report::test;
using nlohmann::json;

namespace {

std::string changes_text(Format format, const std::vector<analysis::Finding>& introduced,
                         const std::vector<analysis::Finding>& resolved) {
    std::ostringstream out;
    write_finding_changes(out, format, introduced, resolved, false);
    return out.str();
}

}  // namespace

TEST_CASE("finding changes text: introduced and resolved sections", "[changes]") {
    const auto findings = sample_findings();
    const auto lines = lines_of(changes_text(Format::text, {findings[0]}, {findings[2]}));
    const std::vector<std::string> expected = {
        "introduced:",
        "  config.yaml:3:9: error[port.conflict] server.port 8000 is also server.http_port",
        "    suggestion: set server.http_port to 8003",
        "    related: data/.config.yaml:7:14",
        "resolved:",
        "  config.yaml:12:18: warning[url.placeholder] server.vision_explain is still the "
        "template text",
    };
    CHECK(lines == expected);
}

TEST_CASE("finding changes text: an empty section says none", "[changes]") {
    const auto lines = lines_of(changes_text(Format::text, {}, {sample_findings()[1]}));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "introduced: none");
    CHECK(lines[1] == "resolved:");
}

TEST_CASE("finding changes json: the same finding object as write_findings", "[changes]") {
    const auto findings = sample_findings();
    const json document = json::parse(changes_text(Format::json, {findings[0]}, {}));
    REQUIRE(document.at("introduced").size() == 1);
    CHECK(document.at("resolved").empty());

    std::ostringstream out;
    write_findings(out, Format::json, {findings[0]}, FindingsContext{});
    CHECK(document["introduced"][0] == json::parse(out.str())["findings"][0]);
}

TEST_CASE("finding changes: formats other than text and json are refused", "[changes]") {
    CHECK_THROWS_AS(changes_text(Format::github, {}, {}), std::invalid_argument);
    CHECK_THROWS_AS(changes_text(Format::junit, {}, {}), std::invalid_argument);
}
