// Findings sent by the server read back; the report's text and JSON forms.
#include <catch2/catch.hpp>

#include <sstream>

#include "push_report.hpp"
#include "report/findings_report.hpp"

using namespace xiaozhi;

TEST_CASE("findings in the server's JSON read back as the findings written", "[client][report]") {
    analysis::Finding finding;
    finding.rule = "port.in-use";
    finding.severity = analysis::Severity::error;
    finding.message = "TCP port 8100 is held by pid 7";
    finding.key = "server.port";
    finding.origin = config::Origin{"remote", config::Position{"state/000002.json", 3, 13}};
    finding.related = {config::Origin{"file", config::Position{"xiaozhi.toml", 2, 8}}};
    finding.suggestion = "use port 8101";
    std::ostringstream out;
    report::write_findings(out, report::Format::json, {finding}, {});
    const nlohmann::json document = nlohmann::json::parse(out.str());

    const auto back = client::findings_from_json(document["findings"]);
    REQUIRE(back.size() == 1);
    CHECK(back[0].rule == finding.rule);
    CHECK(back[0].severity == finding.severity);
    CHECK(back[0].message == finding.message);
    CHECK(back[0].origin.to_string() == finding.origin.to_string());
    CHECK(back[0].related.size() == 1);
    CHECK(back[0].suggestion == finding.suggestion);
    CHECK(client::findings_from_json(nlohmann::json::parse(R"([{"x": 1}, 3])")).empty());
}

TEST_CASE("the JSON report is one document with the steps and the error", "[client][report]") {
    std::ostringstream out;
    std::ostringstream err;
    client::PushReport report(out, err, true, false);
    report.diff("heading", {});
    report.step("Pushed revision 2 (was 1).");
    report.error("it failed");
    report.text("a table\n");
    report.finish();
    const nlohmann::json document = nlohmann::json::parse(out.str());
    CHECK(document["diff"].empty());
    CHECK(document["steps"][0] == "Pushed revision 2 (was 1).");
    CHECK(document["error"] == "it failed");
    CHECK(err.str() == "xiaozhi ota-push: it failed\n");

    std::ostringstream text_out;
    client::PushReport text(text_out, err, false, false);
    text.diff("Changes:", {});
    text.step("done");
    text.text("a table\n");
    text.finish();
    CHECK(text_out.str() ==
          "Changes:\n  (no change to the effective configuration)\n\ndone\na table\n");
}
