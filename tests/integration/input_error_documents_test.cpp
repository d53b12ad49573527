// Input errors with --format json|sarif|junit|github: a valid document on stdout, exit 2.
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <catch2/catch.hpp>

#include <sstream>

#include "cli_harness.hpp"

namespace {

using namespace xiaozhi::testing;
namespace pt = boost::property_tree;

// Invalid YAML: a second ':' after a quoted value, after CJK text (character column 30).
constexpr const char* invalid_yaml = "server:\n  websocket: \"ws://你的ip:8000\": 1\n";

struct BadFolder {
    TempDir dir;
    std::string config = dir.write("config.yaml", invalid_yaml);
};

// Exit 2 and the one stderr line naming the place, whatever the format.
Result run_failing(const std::vector<std::string>& args, const std::string& place) {
    Result result = run_xiaozhi(args);
    INFO("stdout: " << result.out << "\nstderr: " << result.err);
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 2);
    REQUIRE(result.err_lines().size() == 1);
    CHECK(result.err_lines().front().rfind(place, 0) == 0);
    CHECK_FALSE(contains(result.err, "Sanitizer"));
    return result;
}

std::vector<std::string> check_ports(const std::string& format, const std::string& path) {
    return {"check-ports", "--no-probe", "--format", format, path};
}

}  // namespace

TEST_CASE("input error documents: json has the error in errors and no findings") {
    const BadFolder folder;
    const Result result =
        run_failing(check_ports("json", folder.dir.path()), folder.config + ":2:30: ");
    const nlohmann::json document = parse_json(result.out);
    CHECK(document.at("version") == 1);
    CHECK(document.at("inputs") == nlohmann::json::array({folder.dir.path()}));
    CHECK(document.at("findings") == nlohmann::json::array());
    CHECK(document.at("summary") == nlohmann::json{{"error", 0}, {"warning", 0}, {"info", 0}});
    REQUIRE(document.at("errors").size() == 1);
    const nlohmann::json& error = document["errors"][0];
    CHECK(error.at("file") == folder.config);
    CHECK(error.at("line") == 2);
    CHECK(error.at("column") == 30);
    CHECK_FALSE(error.at("message").get<std::string>().empty());
}

TEST_CASE("input error documents: sarif has a failed invocation with the error") {
    const BadFolder folder;
    const Result result = run_failing(check_ports("sarif", folder.dir.path()), folder.config + ":");
    const nlohmann::json document = parse_json(result.out);
    CHECK(document.at("version") == "2.1.0");
    REQUIRE(document.at("runs").size() == 1);
    const nlohmann::json& run = document["runs"][0];
    CHECK(run.at("results").empty());
    const nlohmann::json& invocation = run.at("invocations").at(0);
    CHECK(invocation.at("executionSuccessful") == false);
    const nlohmann::json& notification = invocation.at("toolExecutionNotifications").at(0);
    CHECK(notification.at("level") == "error");
    CHECK(contains(notification.at("message").at("text").get<std::string>(), folder.config));
    const nlohmann::json& physical = notification.at("locations").at(0).at("physicalLocation");
    CHECK(physical.at("artifactLocation").at("uri") == folder.config);
    CHECK(physical.at("region").at("startLine") == 2);
    CHECK(physical.at("region").at("startColumn") == 30);
}

TEST_CASE("input error documents: junit has one test case with an error element") {
    const BadFolder folder;
    const Result result = run_failing(check_ports("junit", folder.dir.path()), folder.config + ":");
    CHECK(contains(result.out, "<error message=\"" + folder.config + ":2:30: "));
    std::istringstream in(result.out);
    pt::ptree tree;
    REQUIRE_NOTHROW(pt::read_xml(in, tree));
    CHECK(tree.get<int>("testsuites.<xmlattr>.errors") == 1);
    CHECK(tree.get<std::string>("testsuites.testsuite.testcase.error.<xmlattr>.type") ==
          "input-error");
}

TEST_CASE("input error documents: github annotates the place, text writes nothing on stdout") {
    const BadFolder folder;
    const Result github =
        run_failing(check_ports("github", folder.dir.path()), folder.config + ":");
    CHECK(github.out.rfind("::error file=" + folder.config + ",line=2,col=30,title=input error::",
                           0) == 0);
    const Result text = run_failing(check_ports("text", folder.dir.path()), folder.config + ":");
    CHECK(text.out.empty());
}

TEST_CASE("input error documents: a bad compose port entry is reported in the document") {
    const TempDir dir;
    dir.write("config.yaml", "server:\n  port: 8000\n");
    const std::string compose = dir.write("docker-compose.yml",
                                          "services:\n"
                                          "  xiaozhi-esp32-server:\n"
                                          "    ports:\n"
                                          "      - \"80a:8000\"\n");
    const Result result = run_failing(check_ports("json", dir.path()), compose + ":");
    const nlohmann::json error = parse_json(result.out).at("errors").at(0);
    CHECK(error.at("file") == compose);
    CHECK(error.at("line") == 4);
}

TEST_CASE("input error documents: diff-config --format json writes the errors") {
    const BadFolder folder;
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"diff-config", "--format", "json", folder.config, folder.config},
          std::vector<std::string>{"diff-config", "--layers", "--format", "json", folder.config}}) {
        const Result result = run_failing(args, folder.config + ":2:30: ");
        const nlohmann::json document = parse_json(result.out);
        REQUIRE(document.at("errors").size() == 1);
        CHECK(document["errors"][0].at("file") == folder.config);
        CHECK(document["errors"][0].at("column") == 30);
    }
}

TEST_CASE("input error documents: a run without input errors has an empty errors list") {
    const TempDir dir;
    const std::string config = dir.write("config.yaml", "server:\n  port: 8000\n");
    const Result result = run_xiaozhi(check_ports("json", config));
    INFO(result.err);
    REQUIRE(result.exit_code <= 1);
    CHECK(parse_json(result.out).at("errors") == nlohmann::json::array());
}
