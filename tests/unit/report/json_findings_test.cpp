// Tests of findings written as JSON: fields present and typed, summary, UTF-8.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "report/findings_report.hpp"
#include "report_test_support.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using namespace xiaozhi::report::test;
using nlohmann::json;

namespace {

std::string json_text(const std::vector<analysis::Finding>& findings) {
    std::ostringstream out;
    FindingsContext context;
    context.inputs = {"config.yaml", "data/.config.yaml"};
    write_findings(out, Format::json, findings, context);
    return out.str();
}

}  // namespace

TEST_CASE("json findings: document fields present and typed", "[json]") {
    const json document = json::parse(json_text(sample_findings()));
    CHECK(document.at("version") == 1);
    CHECK(document.at("inputs") == json::array({"config.yaml", "data/.config.yaml"}));
    REQUIRE(document.at("findings").is_array());
    REQUIRE(document.at("findings").size() == 3);

    const json& first = document["findings"][0];
    CHECK(first.at("rule") == "port.conflict");
    CHECK(first.at("severity") == "error");
    CHECK(first.at("message") == "server.port 8000 is also server.http_port");
    CHECK(first.at("key") == "server.port");
    CHECK(first.at("suggestion") == "set server.http_port to 8003");
    const json& origin = first.at("origin");
    CHECK(origin.at("file") == "config.yaml");
    CHECK(origin.at("line").is_number_integer());
    CHECK(origin.at("line") == 3);
    CHECK(origin.at("column") == 9);
    CHECK(origin.at("layer") == "file");
    REQUIRE(first.at("related").size() == 1);
    CHECK(first["related"][0].at("file") == "data/.config.yaml");
    CHECK(first["related"][0].at("line") == 7);

    const json& third = document["findings"][2];
    CHECK(third.at("severity") == "warning");
    CHECK(third.at("related").is_array());
    CHECK(third.at("related").empty());
    CHECK(third.at("suggestion") == "");

    CHECK(document.at("errors") == json::array());
    CHECK(document.at("summary") == json{{"error", 2}, {"warning", 1}, {"info", 0}});
}

TEST_CASE("json findings: pretty-printed with two spaces", "[json]") {
    const std::string text = json_text({});
    CHECK(text.rfind("{\n  \"version\": 1,\n", 0) == 0);
    CHECK(text.back() == '\n');
    CHECK(json::parse(text).at("findings").empty());
}

TEST_CASE("json findings: UTF-8 passes through unescaped", "[json]") {
    const std::vector<analysis::Finding> findings = {
        make_finding("url.placeholder", analysis::Severity::warning, "地址仍是 你的ip",
                     "server.websocket", file_origin("配置.yaml", 1, 1))};
    const std::string text = json_text(findings);
    CHECK(text.find("地址仍是 你的ip") != std::string::npos);
    CHECK(text.find("\\u") == std::string::npos);
    CHECK(json::parse(text)["findings"][0]["origin"]["file"] == "配置.yaml");
}

TEST_CASE("json findings: invalid UTF-8 is replaced and not thrown", "[json]") {
    const std::vector<analysis::Finding> findings = {
        make_finding("config.type", analysis::Severity::error, "bad byte \xff here", "server.port",
                     file_origin("config.yaml", 1, 1))};
    std::string text;
    REQUIRE_NOTHROW(text = json_text(findings));
    CHECK(json::parse(text)["findings"][0]["message"] == "bad byte \xEF\xBF\xBD here");
}

TEST_CASE("json findings: a --set origin of a secret does not show its value", "[json][secrets]") {
    const std::vector<analysis::Finding> findings = {
        make_finding("config.type", analysis::Severity::error, "a secret must be a string",
                     "server.admin_token", set_origin("server.admin_token=12345"))};
    const json origin = json::parse(json_text(findings))["findings"][0]["origin"];
    CHECK(origin.at("file") == "--set server.admin_token=***");
    CHECK(origin.at("layer") == "set");
}
