// Tests of findings written as text: exact lines, summary, colour on and off.
#include <catch2/catch.hpp>

#include "report/findings_report.hpp"
#include "report_test_support.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using namespace xiaozhi::report::test;

namespace {

std::string text_of(const std::vector<analysis::Finding>& findings, bool color) {
    std::ostringstream out;
    FindingsContext context;
    context.color = color;
    write_findings(out, Format::text, findings, context);
    return out.str();
}

}  // namespace

TEST_CASE("text findings: one line each with suggestion and related indented and a summary",
          "[text]") {
    const auto lines = lines_of(text_of(sample_findings(), false));
    const std::vector<std::string> expected = {
        "config.yaml:3:9: error[port.conflict] server.port 8000 is also server.http_port",
        "  suggestion: set server.http_port to 8003",
        "  related: data/.config.yaml:7:14",
        "data/.config.yaml:2:14: error[url.port-mismatch] server.websocket advertises port 8000",
        "config.yaml:12:18: warning[url.placeholder] server.vision_explain is still the template "
        "text",
        "",
        "2 errors, 1 warning, 0 infos",
    };
    CHECK(lines == expected);
}

TEST_CASE("text findings: singular and plural counts in the summary", "[text]") {
    auto findings = sample_findings();
    findings.erase(findings.begin());
    findings.push_back(make_finding("port.shared", analysis::Severity::info, "one listener",
                                    "server.port", file_origin("a.toml", 1, 1)));
    const auto lines = lines_of(text_of(findings, false));
    CHECK(lines.back() == "1 error, 1 warning, 1 info");
}

TEST_CASE("text findings: no findings prints only no findings", "[text]") {
    CHECK(text_of({}, false) == "no findings\n");
}

TEST_CASE("text findings: a finding without suggestion or related has no extra lines", "[text]") {
    const std::vector<analysis::Finding> findings = {
        make_finding("config.type", analysis::Severity::error, "port is \"80a\"", "server.port",
                     file_origin("config.yaml", 4, 9))};
    const auto lines = lines_of(text_of(findings, false));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "config.yaml:4:9: error[config.type] port is \"80a\"");
    CHECK(lines[1].empty());
}

TEST_CASE("text findings: colour only when asked", "[text]") {
    const std::string plain = text_of(sample_findings(), false);
    CHECK(plain.find('\x1b') == std::string::npos);

    const std::string colored = text_of(sample_findings(), true);
    CHECK(colored.find("\x1b[31merror\x1b[0m[\x1b[1mport.conflict\x1b[0m]") != std::string::npos);
    CHECK(colored.find("\x1b[33mwarning\x1b[0m[\x1b[1murl.placeholder\x1b[0m]") !=
          std::string::npos);

    std::vector<analysis::Finding> info = {make_finding("port.shared", analysis::Severity::info,
                                                        "one listener", "server.port",
                                                        file_origin("a.toml", 1, 1))};
    CHECK(text_of(info, true).find("\x1b[36minfo\x1b[0m") != std::string::npos);
}

TEST_CASE("text findings: a --set origin of a secret does not show its value", "[text][secrets]") {
    auto finding = make_finding("auth.placeholder-secret", analysis::Severity::error,
                                "manager-api.secret is the placeholder", "manager-api.secret",
                                set_origin("manager-api.secret=hunter2"));
    finding.related.push_back(set_origin("server.auth_key=swordfish"));
    const std::string text = text_of({finding}, false);
    CHECK(lines_of(text)[0] ==
          "--set manager-api.secret=***: error[auth.placeholder-secret] manager-api.secret is the "
          "placeholder");
    CHECK(lines_of(text)[1] == "  related: --set server.auth_key=***");
    CHECK(text.find("hunter2") == std::string::npos);
    CHECK(text.find("swordfish") == std::string::npos);
}

TEST_CASE("text findings: a --set origin of an ordinary key is shown as written",
          "[text][secrets]") {
    const auto finding = make_finding("port.invalid", analysis::Severity::error, "port 0",
                                      "server.port", set_origin("server.port=0"));
    CHECK(lines_of(text_of({finding}, false))[0] ==
          "--set server.port=0: error[port.invalid] port 0");
}
