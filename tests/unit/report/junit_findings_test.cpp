// Tests of findings written as JUnit XML: well-formed, counts, escaping.
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <catch2/catch.hpp>

#include "report/findings_report.hpp"
#include "report_test_support.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using namespace xiaozhi::report::test;
namespace pt = boost::property_tree;

namespace {

std::string junit_text(const std::vector<analysis::Finding>& findings) {
    std::ostringstream out;
    FindingsContext context;
    context.inputs = {"config.yaml"};
    write_findings(out, Format::junit, findings, context);
    return out.str();
}

// Parses the XML (throws when it is not well-formed).
pt::ptree parse_xml(const std::string& text) {
    std::istringstream in(text);
    pt::ptree tree;
    pt::read_xml(in, tree);
    return tree;
}

std::vector<pt::ptree> testcases(const pt::ptree& tree) {
    std::vector<pt::ptree> cases;
    for (const auto& [name, child] : tree.get_child("testsuites.testsuite")) {
        if (name == "testcase") cases.push_back(child);
    }
    return cases;
}

}  // namespace

TEST_CASE("junit: one testcase per finding where errors and warnings fail and infos pass",
          "[junit]") {
    auto findings = sample_findings();
    findings.push_back(make_finding("port.shared", analysis::Severity::info, "one listener",
                                    "server.port", file_origin("a.toml", 2, 1)));
    const pt::ptree tree = parse_xml(junit_text(findings));
    const pt::ptree& suite = tree.get_child("testsuites.testsuite");
    CHECK(suite.get<std::string>("<xmlattr>.name") == "xiaozhi check-ports");
    CHECK(suite.get<std::string>("<xmlattr>.tests") == "4");
    CHECK(suite.get<std::string>("<xmlattr>.failures") == "3");

    const auto cases = testcases(tree);
    REQUIRE(cases.size() == 4);
    CHECK(cases[0].get<std::string>("<xmlattr>.classname") == "port.conflict");
    CHECK(cases[0].get<std::string>("<xmlattr>.name") == "server.port (config.yaml:3)");
    CHECK(cases[0].get<std::string>("failure.<xmlattr>.type") == "error");
    CHECK(cases[0].get<std::string>("failure.<xmlattr>.message") ==
          "server.port 8000 is also server.http_port");
    CHECK(cases[2].get<std::string>("failure.<xmlattr>.type") == "warning");
    CHECK(cases[3].count("failure") == 0);
    CHECK(cases[3].get<std::string>("system-out").find("one listener") != std::string::npos);
    CHECK(cases[0].get<std::string>("failure") ==
          "config.yaml:3:9: error[port.conflict] server.port 8000 is also server.http_port\n"
          "  suggestion: set server.http_port to 8003\n"
          "  related: data/.config.yaml:7:14\n");
}

TEST_CASE("junit: no findings is one passing testcase", "[junit]") {
    const pt::ptree tree = parse_xml(junit_text({}));
    const auto cases = testcases(tree);
    REQUIRE(cases.size() == 1);
    CHECK(cases[0].get<std::string>("<xmlattr>.name") == "no findings");
    CHECK(cases[0].count("failure") == 0);
    CHECK(tree.get<std::string>("testsuites.testsuite.<xmlattr>.failures") == "0");
}

TEST_CASE("junit: markup characters and control characters are escaped", "[junit]") {
    const std::vector<analysis::Finding> findings = {make_finding(
        "url.malformed", analysis::Severity::error, "url <ws://a&b> is \"odd\" 'x'\x01 end",
        "server.websocket", file_origin("dir<&\">/config.yaml", 5, 3))};
    const std::string text = junit_text(findings);
    CHECK(text.find("&lt;ws://a&amp;b&gt; is &quot;odd&quot; &apos;x&apos;\\x01 end") !=
          std::string::npos);
    CHECK(text.find('\x01') == std::string::npos);

    const pt::ptree tree = parse_xml(text);
    const auto cases = testcases(tree);
    REQUIRE(cases.size() == 1);
    CHECK(cases[0].get<std::string>("failure.<xmlattr>.message") ==
          "url <ws://a&b> is \"odd\" 'x'\\x01 end");
    CHECK(cases[0].get<std::string>("<xmlattr>.name") ==
          "server.websocket (dir<&\">/config.yaml:5)");
}

TEST_CASE("junit: invalid UTF-8 is replaced and valid UTF-8 kept", "[junit]") {
    const std::vector<analysis::Finding> findings = {
        make_finding("url.placeholder", analysis::Severity::warning, "你的ip \xC0\xAF",
                     "server.websocket", file_origin("config.yaml", 1, 1))};
    const std::string text = junit_text(findings);
    CHECK(text.find("你的ip \xEF\xBF\xBD\xEF\xBF\xBD") != std::string::npos);
    CHECK_NOTHROW(parse_xml(text));
}
