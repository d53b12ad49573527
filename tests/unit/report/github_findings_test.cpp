// Tests of findings written as GitHub workflow annotations: escaping, order, the per-level cap.
#include <algorithm>
#include <catch2/catch.hpp>

#include "report/findings_report.hpp"
#include "report_test_support.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using namespace xiaozhi::report::test;

namespace {

std::vector<std::string> annotations(const std::vector<analysis::Finding>& findings) {
    std::ostringstream out;
    write_findings(out, Format::github, findings, FindingsContext{});
    return lines_of(out.str());
}

std::vector<analysis::Finding> many(analysis::Severity severity, int count) {
    std::vector<analysis::Finding> findings;
    for (int i = 1; i <= count; ++i) {
        findings.push_back(make_finding("url.path", severity, "finding " + std::to_string(i),
                                        "server.websocket", file_origin("config.yaml", i, 1)));
    }
    return findings;
}

std::size_t count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
    std::size_t count = 0;
    for (const auto& line : lines) count += line.rfind(prefix, 0) == 0 ? 1 : 0;
    return count;
}

}  // namespace

TEST_CASE("github: data escaping of percent and carriage return and newline", "[github]") {
    CHECK(github_escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b");
}

TEST_CASE("github: property escaping also covers colon and comma", "[github]") {
    CHECK(github_escape_property("C:\\a,b%\n") == "C%3A\\a%2Cb%25%0A");
    CHECK(github_escape_property("plain/path.yaml") == "plain/path.yaml");
}

TEST_CASE("github: one annotation per finding with the most severe first", "[github]") {
    auto findings = sample_findings();
    std::rotate(findings.begin(), findings.begin() + 2, findings.end());  // warning first
    const auto lines = annotations(findings);
    const std::vector<std::string> expected = {
        "::error file=config.yaml,line=3,col=9,title=port.conflict::server.port 8000 is also "
        "server.http_port",
        "::error file=data/.config.yaml,line=2,col=14,title=url.port-mismatch::server.websocket "
        "advertises port 8000",
        "::warning file=config.yaml,line=12,col=18,title=url.placeholder::server.vision_explain is "
        "still the template text",
    };
    CHECK(lines == expected);
}

TEST_CASE("github: info is a notice and escaping applies to file and title and message",
          "[github]") {
    const auto lines =
        annotations({make_finding("port.shared", analysis::Severity::info, "50% shared:\nyes, one",
                                  "server.port", file_origin("a,b:c.toml", 2, 0))});
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "::notice file=a%2Cb%3Ac.toml,line=2,title=port.shared::50%25 shared:%0Ayes, one");
}

TEST_CASE("github: a non-file origin has no file or line or col", "[github]") {
    const auto lines = annotations(
        {make_finding("port.invalid", analysis::Severity::error, "port 70000 is out of range",
                      "server.port", env_origin("XIAOZHI_SERVER__PORT"))});
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "::error title=port.invalid::port 70000 is out of range");
}

TEST_CASE("github: at most 10 per level and one notice counting the rest", "[github]") {
    auto findings = many(analysis::Severity::warning, 12);
    const auto errors = many(analysis::Severity::error, 13);
    findings.insert(findings.end(), errors.begin(), errors.end());
    const auto infos = many(analysis::Severity::info, 4);
    findings.insert(findings.end(), infos.begin(), infos.end());

    const auto lines = annotations(findings);
    CHECK(count_prefix(lines, "::error ") == 10);
    CHECK(count_prefix(lines, "::warning ") == 10);
    CHECK(count_prefix(lines, "::notice ") == 4);
    CHECK(count_prefix(lines, "::notice::") == 1);
    CHECK(lines.size() == 25);
    CHECK(lines.front().rfind("::error ", 0) == 0);
    CHECK(lines[9] == "::error file=config.yaml,line=10,col=1,title=url.path::finding 10");
    CHECK(lines.back() ==
          "::notice::5 more findings not shown (3 errors, 2 warnings); run with --format text to "
          "see all");
}

TEST_CASE("github: exactly 10 per level leaves nothing out and adds no notice", "[github]") {
    auto findings = many(analysis::Severity::error, 10);
    const auto warnings = many(analysis::Severity::warning, 10);
    findings.insert(findings.end(), warnings.begin(), warnings.end());
    const auto lines = annotations(findings);
    CHECK(lines.size() == 20);
    CHECK(count_prefix(lines, "::notice::") == 0);
}

TEST_CASE("github: one left out is counted in the singular", "[github]") {
    const auto lines = annotations(many(analysis::Severity::info, 11));
    REQUIRE(lines.size() == 11);
    CHECK(lines.back() ==
          "::notice::1 more finding not shown (1 info); run with --format text to see all");
}
