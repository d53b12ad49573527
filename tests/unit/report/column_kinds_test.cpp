// Columns in reports: characters in text, json, github and junit; UTF-16 code units in SARIF.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "config/parse.hpp"
#include "report/findings_report.hpp"
#include "report_test_support.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using namespace xiaozhi::report::test;
using nlohmann::json;

namespace {

std::string written(Format format, const std::vector<analysis::Finding>& findings) {
    std::ostringstream out;
    write_findings(out, format, findings, FindingsContext{});
    return out.str();
}

// One finding at each value of a parsed config: CJK before the first, an emoji (U+1F600,
// two UTF-16 code units) before the second.
std::vector<analysis::Finding> findings_at_parsed_values() {
    const config::Node tree = config::parse_text(
        "server:\n"
        "  websocket: {host: \"你的ip\", port: 8000}\n"
        "  vision: {label: \"\xF0\x9F\x98\x80\", port: 8003}\n",
        config::Syntax::yaml, "config.yaml");
    std::vector<analysis::Finding> findings;
    for (const char* key : {"websocket", "vision"}) {
        const config::Node* port = tree.find(config::Path{"server", key, "port"});
        REQUIRE(port != nullptr);
        findings.push_back(make_finding("url.path", analysis::Severity::warning, "m", key,
                                        config::Origin{"file", port->pos}));
    }
    return findings;
}

}  // namespace

TEST_CASE("columns: SARIF and json differ exactly where the emoji is", "[columns]") {
    const auto findings = findings_at_parsed_values();
    const json plain = json::parse(written(Format::json, findings));
    const json sarif = json::parse(written(Format::sarif, findings));
    const json& results = sarif["runs"][0]["results"];
    REQUIRE(results.size() == 2);
    const auto sarif_column = [&results](std::size_t i) {
        return results[i]["locations"][0]["physicalLocation"]["region"]["startColumn"].get<int>();
    };
    const auto json_column = [&plain](std::size_t i) {
        return plain["findings"][i]["origin"]["column"].get<int>();
    };
    // `  websocket: {host: "你的ip", port: ` is 34 characters (38 bytes).
    CHECK(json_column(0) == 35);
    CHECK(sarif_column(0) == 35);
    // `  vision: {label: "😀", port: ` is 29 characters, 30 UTF-16 code units (32 bytes).
    CHECK(json_column(1) == 30);
    CHECK(sarif_column(1) == 31);
}

TEST_CASE("columns: text, github and junit print the character column", "[columns]") {
    const auto findings = findings_at_parsed_values();
    const std::string text = written(Format::text, findings);
    CHECK(text.find("config.yaml:2:35: warning[url.path]") != std::string::npos);
    CHECK(text.find("config.yaml:3:30: warning[url.path]") != std::string::npos);
    const std::string github = written(Format::github, findings);
    CHECK(github.find("file=config.yaml,line=3,col=30,") != std::string::npos);
    const std::string junit = written(Format::junit, findings);
    CHECK(junit.find("config.yaml:3:30: warning[url.path]") != std::string::npos);
}

TEST_CASE("columns: a position without a UTF-16 column gives SARIF its character column",
          "[columns]") {
    const json sarif = json::parse(
        written(Format::sarif, {make_finding("url.path", analysis::Severity::warning, "m", "k",
                                             file_origin("config.yaml", 4, 12))}));
    CHECK(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
               ["startColumn"] == 12);
}
