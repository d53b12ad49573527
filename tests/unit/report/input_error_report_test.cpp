// Input errors as documents: json errors, a failed SARIF invocation, a JUnit error, an annotation.
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "report/input_error_report.hpp"
#include "report_test_support.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using nlohmann::json;
namespace pt = boost::property_tree;

namespace {

// An error after an emoji: character column 6, UTF-16 column 7.
config::InputError sample_error() {
    return config::InputError(config::Position{"dir/config.yaml", 3, 6, 7}, "end of map not found");
}

std::string document(Format format, const config::InputError& error = sample_error()) {
    std::ostringstream out;
    FindingsContext context;
    context.inputs = {"dir"};
    context.tool_version = "0.1.0";
    write_input_error_document(out, format, error, context);
    return out.str();
}

}  // namespace

TEST_CASE("input error json: the findings document with the error in errors", "[input-error]") {
    const json doc = json::parse(document(Format::json));
    CHECK(doc.at("version") == 1);
    CHECK(doc.at("inputs") == json::array({"dir"}));
    CHECK(doc.at("findings") == json::array());
    CHECK(doc.at("summary") == json{{"error", 0}, {"warning", 0}, {"info", 0}});
    REQUIRE(doc.at("errors").size() == 1);
    CHECK(doc["errors"][0] == json{{"file", "dir/config.yaml"},
                                   {"line", 3},
                                   {"column", 6},
                                   {"message", "end of map not found"}});
}

TEST_CASE("input error sarif: a failed invocation with the error as a notification",
          "[input-error]") {
    const json doc = json::parse(document(Format::sarif));
    CHECK(doc.at("version") == "2.1.0");
    REQUIRE(doc.at("runs").size() == 1);
    const json& run = doc["runs"][0];
    CHECK(run.at("tool").at("driver").at("name") == "xiaozhi");
    CHECK(run.at("results") == json::array());
    REQUIRE(run.at("invocations").size() == 1);
    const json& invocation = run["invocations"][0];
    CHECK(invocation.at("executionSuccessful") == false);
    REQUIRE(invocation.at("toolExecutionNotifications").size() == 1);
    const json& notification = invocation["toolExecutionNotifications"][0];
    CHECK(notification.at("level") == "error");
    CHECK(notification.at("message").at("text") == "dir/config.yaml:3:6: end of map not found");
    const json& physical = notification.at("locations").at(0).at("physicalLocation");
    CHECK(physical.at("artifactLocation").at("uri") == "dir/config.yaml");
    CHECK(physical.at("region").at("startLine") == 3);
    CHECK(physical.at("region").at("startColumn") == 7);
}

TEST_CASE("input error sarif: no location for an error without a line", "[input-error]") {
    const config::InputError missing(config::Position{"absent.yaml", 0, 0},
                                     "cannot read file: no such file");
    const json doc = json::parse(document(Format::sarif, missing));
    const json& notification = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    CHECK(notification.at("message").at("text") == "absent.yaml: cannot read file: no such file");
    CHECK_FALSE(notification.contains("locations"));
}

TEST_CASE("input error junit: one test case with an error element", "[input-error]") {
    const std::string text = document(Format::junit);
    std::istringstream in(text);
    pt::ptree tree;
    pt::read_xml(in, tree);
    CHECK(tree.get<int>("testsuites.<xmlattr>.errors") == 1);
    CHECK(tree.get<int>("testsuites.testsuite.<xmlattr>.tests") == 1);
    CHECK(tree.get<int>("testsuites.testsuite.<xmlattr>.failures") == 0);
    const pt::ptree& testcase = tree.get_child("testsuites.testsuite.testcase");
    CHECK(testcase.get<std::string>("<xmlattr>.name") == "input error (dir/config.yaml:3)");
    CHECK(testcase.get<std::string>("error.<xmlattr>.message") ==
          "dir/config.yaml:3:6: end of map not found");
    CHECK(testcase.get<std::string>("error.<xmlattr>.type") == "input-error");
}

TEST_CASE("input error github and text: an annotation, and nothing for text", "[input-error]") {
    CHECK(document(Format::github) ==
          "::error file=dir/config.yaml,line=3,col=6,title=input error::end of map not found\n");
    const config::InputError missing(config::Position{"absent.yaml", 0, 0}, "no such file");
    CHECK(document(Format::github, missing) ==
          "::error title=input error::absent.yaml: no such file\n");
    CHECK(document(Format::text).empty());
}

TEST_CASE("input error json for the other documents: just the errors", "[input-error]") {
    std::ostringstream out;
    write_input_error_json(out, sample_error());
    const json doc = json::parse(out.str());
    CHECK(doc.size() == 1);
    CHECK(doc.at("errors").at(0).at("line") == 3);
    CHECK(doc.at("errors").at(0).at("column") == 6);
}
