// check-ports on every sample deployment of tests/fixtures, in every output format.
#include <catch2/catch.hpp>

#include "cli_harness.hpp"

namespace {

using namespace xiaozhi::testing;

struct Expected {
    std::string rule;
    std::string severity;
    std::string key;
    std::string file_suffix;  // origin file ends with this
};

struct FixtureCase {
    std::string folder;
    int exit_code;
    std::vector<Expected> findings;         // each must be reported
    std::vector<std::string> absent_rules;  // none of these may be
    int errors;                             // exact number of error findings
};

const std::vector<FixtureCase>& fixture_cases() {
    static const std::vector<FixtureCase> cases = {
        {"single-module",
         0,
         {{"url.placeholder", "warning", "server.vision_explain", "single-module/config.yaml"}},
         {"config.unknown-key", "url.port-mismatch"},
         0},
        {"seed-port-mismatch",
         1,
         {{"url.port-mismatch", "error", "server.websocket",
           "seed-port-mismatch/data/.config.yaml"}},
         {"config.unknown-key"},
         1},
        {"compose-published",
         1,
         {{"compose.port-mismatch", "error", "", "compose-published/"}},
         {"config.unknown-key"},
         -1},
        {"native-toml", 0, {}, {"port.conflict", "config.unknown-key"}, 0},
        {"reference-layout", 0, {}, {"config.unknown-key"}, 0},
    };
    return cases;
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result check(const FixtureCase& fixture_case, const std::string& format) {
    return run_xiaozhi(
        {"check-ports", "--no-probe", "--format", format, fixture(fixture_case.folder)});
}

}  // namespace

TEST_CASE("check-ports json: every fixture gives the findings its README lists") {
    for (const FixtureCase& fixture_case : fixture_cases()) {
        SECTION(fixture_case.folder) {
            const Result result = check(fixture_case, "json");
            INFO(result.out << result.err);
            CHECK(result.err.empty());
            CHECK(result.exit_code == fixture_case.exit_code);
            const nlohmann::json report = parse_json(result.out);
            int errors = 0;
            for (const nlohmann::json& finding : report.at("findings")) {
                for (const char* field : {"rule", "severity", "message", "key", "origin"}) {
                    CHECK(finding.contains(field));
                }
                const nlohmann::json& origin = finding.at("origin");
                for (const char* field : {"file", "line", "column", "layer"}) {
                    CHECK(origin.contains(field));
                }
                if (finding.at("severity") == "error") ++errors;
            }
            if (fixture_case.errors >= 0) CHECK(errors == fixture_case.errors);
            for (const Expected& expected : fixture_case.findings) {
                const auto found = findings_with_rule(report, expected.rule);
                REQUIRE(found.size() == 1);
                const nlohmann::json& finding = found.front();
                CHECK(finding.at("severity") == expected.severity);
                if (!expected.key.empty()) CHECK(finding.at("key") == expected.key);
                const std::string file = finding.at("origin").at("file");
                CHECK(contains(file, expected.file_suffix));
                CHECK(finding.at("origin").at("line").get<int>() > 0);
                CHECK(finding.at("origin").at("layer") == "file");
                CHECK_FALSE(finding.at("message").get<std::string>().empty());
            }
            for (const std::string& rule : fixture_case.absent_rules) {
                CHECK(findings_with_rule(report, rule).empty());
            }
        }
    }
}

TEST_CASE("check-ports single-module: the placeholder warning is the only warning") {
    const Result result =
        run_xiaozhi({"check-ports", "--no-probe", "--format", "json", fixture("single-module")});
    const nlohmann::json report = parse_json(result.out);
    int warnings = 0;
    for (const nlohmann::json& finding : report.at("findings")) {
        if (finding.at("severity") == "warning") ++warnings;
    }
    CHECK(warnings == 1);
}

TEST_CASE("check-ports seed-port-mismatch: the origin is the override in data/.config.yaml") {
    const Result result = run_xiaozhi(
        {"check-ports", "--no-probe", "--format", "json", fixture("seed-port-mismatch")});
    const auto found = findings_with_rule(parse_json(result.out), "url.port-mismatch");
    REQUIRE(found.size() == 1);
    CHECK(ends_with(found.front().at("origin").at("file").get<std::string>(),
                    "seed-port-mismatch/data/.config.yaml"));
    CHECK(found.front().at("origin").at("line") == 4);
}

TEST_CASE("check-ports text: one file:line:col: severity[rule] line per finding and a summary") {
    for (const FixtureCase& fixture_case : fixture_cases()) {
        SECTION(fixture_case.folder) {
            const Result result = check(fixture_case, "text");
            INFO(result.out << result.err);
            CHECK(result.exit_code == fixture_case.exit_code);
            CHECK(result.err.empty());
            CHECK_FALSE(contains(result.out, "\x1b["));  // not a terminal: no colour
            for (const Expected& expected : fixture_case.findings) {
                CHECK(contains(result.out, expected.severity + "[" + expected.rule + "] "));
                CHECK(contains(result.out, expected.file_suffix));
            }
            for (const std::string& rule : fixture_case.absent_rules) {
                CHECK_FALSE(contains(result.out, "[" + rule + "]"));
            }
            if (fixture_case.errors == 0) CHECK(contains(result.out, "0 errors"));
        }
    }
}

TEST_CASE("check-ports sarif: 2.1.0 with the tool, its rules and located results") {
    for (const FixtureCase& fixture_case : fixture_cases()) {
        SECTION(fixture_case.folder) {
            const Result result = check(fixture_case, "sarif");
            INFO(result.out << result.err);
            CHECK(result.exit_code == fixture_case.exit_code);
            const nlohmann::json sarif = parse_json(result.out);
            CHECK(sarif.at("version") == "2.1.0");
            const nlohmann::json& run = sarif.at("runs").at(0);
            CHECK(run.at("tool").at("driver").at("name") == "xiaozhi");
            std::vector<std::string> rule_ids;
            for (const nlohmann::json& rule : run.at("tool").at("driver").at("rules")) {
                rule_ids.push_back(rule.at("id"));
                CHECK(rule.contains("shortDescription"));
            }
            for (const char* catalogued : {"port.conflict", "url.port-mismatch", "config.type"}) {
                CHECK(std::find(rule_ids.begin(), rule_ids.end(), catalogued) != rule_ids.end());
            }
            for (const Expected& expected : fixture_case.findings) {
                bool found = false;
                for (const nlohmann::json& sarif_result : run.at("results")) {
                    if (sarif_result.at("ruleId") != expected.rule) continue;
                    found = true;
                    CHECK(sarif_result.at("level") == expected.severity);
                    CHECK_FALSE(sarif_result.at("message").at("text").get<std::string>().empty());
                    const nlohmann::json& location =
                        sarif_result.at("locations").at(0).at("physicalLocation");
                    CHECK(
                        contains(location.at("artifactLocation").at("uri"), expected.file_suffix));
                    CHECK(location.at("region").at("startLine").get<int>() > 0);
                    CHECK(sarif_result.contains("partialFingerprints"));
                }
                CHECK(found);
            }
        }
    }
}

TEST_CASE("check-ports junit: a well-formed suite, errors and warnings are failures") {
    for (const FixtureCase& fixture_case : fixture_cases()) {
        SECTION(fixture_case.folder) {
            const Result result = check(fixture_case, "junit");
            INFO(result.out << result.err);
            CHECK(result.exit_code == fixture_case.exit_code);
            CHECK(result.out.rfind("<?xml", 0) == 0);
            CHECK(contains(result.out, "<testsuite"));
            const std::size_t opened = result.out.find("<testsuites");
            const std::size_t closed = result.out.rfind("</testsuites>");
            CHECK(opened != std::string::npos);
            CHECK(closed != std::string::npos);
            CHECK(opened < closed);
            for (const Expected& expected : fixture_case.findings) {
                CHECK(contains(result.out, expected.rule));
            }
            CHECK(contains(result.out, "type=\"error\"") == (fixture_case.exit_code == 1));
            if (!fixture_case.findings.empty()) CHECK(contains(result.out, "<failure message="));
        }
    }
}

TEST_CASE("check-ports github: workflow annotations with file, line and the rule as title") {
    for (const FixtureCase& fixture_case : fixture_cases()) {
        SECTION(fixture_case.folder) {
            const Result result = check(fixture_case, "github");
            INFO(result.out << result.err);
            CHECK(result.exit_code == fixture_case.exit_code);
            for (const Expected& expected : fixture_case.findings) {
                bool found = false;
                std::size_t start = 0;
                while (start < result.out.size()) {
                    std::size_t end = result.out.find('\n', start);
                    if (end == std::string::npos) end = result.out.size();
                    const std::string line = result.out.substr(start, end - start);
                    start = end + 1;
                    if (!contains(line, "title=" + expected.rule + "::")) continue;
                    found = true;
                    CHECK(line.rfind("::" + expected.severity + " file=", 0) == 0);
                    CHECK(contains(line, ",line="));
                    CHECK(contains(line, expected.file_suffix));
                }
                CHECK(found);
            }
            CHECK(contains(result.out, "::error ") == (fixture_case.exit_code == 1));
        }
    }
}

TEST_CASE("check-ports --fail-on warning: a warning alone fails the run") {
    const std::string folder = fixture("single-module");
    CHECK(run_xiaozhi({"check-ports", "--no-probe", folder}).exit_code == 0);
    CHECK(run_xiaozhi({"check-ports", "--no-probe", "--fail-on", "warning", folder}).exit_code ==
          1);
    CHECK(run_xiaozhi({"check-ports", "--no-probe", "--fail-on", "error", folder}).exit_code == 0);
}
