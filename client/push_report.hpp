// What ota-push prints: the diff, the findings and each step as text, or one JSON document.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/finding.hpp"
#include "config/diff.hpp"

namespace xiaozhi::client {

// Findings as the server sends them (report::write_findings JSON objects) back as findings.
// Entries that are not finding objects are skipped.
std::vector<analysis::Finding> findings_from_json(const nlohmann::json& findings);

class PushReport {
  public:
    PushReport(std::ostream& out, std::ostream& err, bool json, bool color);

    bool json() const { return json_; }
    // The semantic diff, as diff-config prints it; `heading` introduces it in text.
    void diff(const std::string& heading, const std::vector<config::DiffEntry>& diff);
    // Findings as check-ports prints them; in JSON under `field` ("findings",
    // "server_findings").
    void findings(const std::string& heading, const std::vector<analysis::Finding>& findings,
                  const std::string& field = "findings");
    // One line of what happened ("pushed revision 4 (was 3)").
    void step(const std::string& text);
    // A field of the JSON document (text mode ignores it).
    void set(const std::string& key, nlohmann::json value);
    // A failure: "xiaozhi ota-push: <message>" on standard error; "error" in JSON.
    void error(const std::string& message);
    // A text block printed as is (history table); in JSON nothing.
    void text(const std::string& block);
    // Writes the JSON document (nothing in text mode).
    void finish();

  private:
    std::ostream& out_;
    std::ostream& err_;
    bool json_;
    bool color_;
    nlohmann::ordered_json document_ = nlohmann::ordered_json::object();
};

}  // namespace xiaozhi::client
