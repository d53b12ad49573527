// ota-push decisions: durations, the findings gate, the expected address, firmware checks.
#include <catch2/catch.hpp>

#include "config/layer.hpp"
#include "config/parse.hpp"
#include "push_rules.hpp"
#include "temp_dir.hpp"

using namespace xiaozhi;
using namespace std::chrono_literals;

namespace {

config::Effective effective(const std::string& json) {
    return config::Effective::merge({config::Layer{
        config::LayerKind::file, "t", config::parse_text(json, config::Syntax::json, "t"), {}}});
}

analysis::Finding finding(analysis::Severity severity) {
    analysis::Finding result;
    result.rule = "port.in-use";
    result.severity = severity;
    return result;
}

}  // namespace

TEST_CASE("durations", "[client][rules]") {
    CHECK(client::parse_duration("10s") == 10000ms);
    CHECK(client::parse_duration("500ms") == 500ms);
    CHECK(client::parse_duration("2m") == 120000ms);
    CHECK(client::parse_duration("1h") == 3600000ms);
    CHECK(client::parse_duration("30") == 30000ms);
    CHECK(client::parse_duration("24h") == 86400000ms);
    CHECK_FALSE(client::parse_duration("25h"));
    CHECK_FALSE(client::parse_duration("0s"));
    CHECK_FALSE(client::parse_duration("-1s"));
    CHECK(client::parse_duration("1.5s") == 1500ms);
    CHECK_FALSE(client::parse_duration("1.5x"));
    CHECK_FALSE(client::parse_duration("s"));
    CHECK_FALSE(client::parse_duration(""));
    CHECK(client::confirm_within_header(30000ms) == "30s");
    CHECK(client::confirm_within_header(1500ms) == "2s");
}

TEST_CASE("errors stop a push unless forced, warnings only with --fail-on warning",
          "[client][rules]") {
    using analysis::Severity;
    const std::vector errors = {finding(Severity::error), finding(Severity::warning)};
    const std::vector warnings = {finding(Severity::warning), finding(Severity::info)};
    CHECK(client::gate_findings(errors, Severity::error, false).stop);
    CHECK(client::gate_findings(errors, Severity::error, false).reason == "1 error");
    CHECK_FALSE(client::gate_findings(errors, Severity::error, true).stop);
    CHECK_FALSE(client::gate_findings(warnings, Severity::error, false).stop);
    const client::Gate strict = client::gate_findings(warnings, Severity::warning, false);
    CHECK(strict.stop);
    CHECK(strict.reason == "1 warning (--fail-on warning)");
    CHECK_FALSE(client::gate_findings({finding(Severity::info)}, Severity::warning, false).stop);
}

TEST_CASE("the expected WebSocket address follows what the change touched", "[client][rules]") {
    const auto before = effective(R"({"server": {"port": 8000}})");
    const auto moved =
        client::expected_websocket(before, effective(R"({"server": {"port": 8100}})"));
    REQUIRE(moved.port);
    CHECK(*moved.port == 8100);
    CHECK(moved.matches("ws://127.0.0.1:8100/xiaozhi/v1/"));
    CHECK_FALSE(moved.matches("ws://127.0.0.1:8000/xiaozhi/v1/"));

    const auto configured =
        client::expected_websocket(before, effective(R"({"server": {"port": 8000,
                              "websocket": "ws://10.0.0.2:8000/xiaozhi/v1/;ws://10.0.0.3:8000/x/"}})"));
    CHECK(configured.urls.size() == 2);
    CHECK(configured.matches("ws://10.0.0.3:8000/x/"));
    CHECK_FALSE(configured.matches("ws://10.0.0.4:8000/x/"));

    const auto placeholder = client::expected_websocket(
        before, effective(R"({"server": {"port": 8000, "websocket": "ws://你的ip:8000/"}})"));
    CHECK(placeholder.any());
    const auto unrelated = client::expected_websocket(
        before, effective(R"({"server": {"port": 8000, "websocket_version": 3}})"));
    CHECK(unrelated.any());
    CHECK(unrelated.matches("ws://anything:1/"));

    const auto host = client::expected_websocket(
        before, effective(R"({"server": {"port": 8000, "advertise_host": "10.1.1.1"}})"));
    CHECK(host.matches("ws://10.1.1.1:8000/xiaozhi/v1/"));
    CHECK_FALSE(host.matches("ws://10.1.1.2:8000/xiaozhi/v1/"));
}

TEST_CASE("under a port fallback policy a moved port may come out as another", "[client][rules]") {
    const auto before = effective(R"({"server": {"port": 8000, "port_fallback": "next"}})");
    const auto moved = client::expected_websocket(
        before, effective(R"({"server": {"port": 8100, "port_fallback": "next"}})"));
    CHECK_FALSE(moved.port);
    CHECK(moved.matches("ws://127.0.0.1:8101/xiaozhi/v1/"));
    const auto strict = client::expected_websocket(
        before, effective(R"({"server": {"port": 8100, "port_fallback": "fail"}})"));
    CHECK(strict.port == 8100);
}

TEST_CASE("the HTTP port moves only when the change moves the one in use", "[client][rules]") {
    const auto before = effective(R"({"server": {"http_port": 8003}})");
    const auto after = effective(R"({"server": {"http_port": 8013}})");
    CHECK(client::moved_http_port(before, after, 8003) == 8013);
    CHECK_FALSE(client::moved_http_port(before, after, 80));
    CHECK_FALSE(client::moved_http_port(before, before, 8003));
}

TEST_CASE("firmware checks before an upload", "[client][rules]") {
    test::TempDir dir;
    const std::string image = dir.write("fw.bin", "\xE9\x03rest of an image");
    const std::string text = dir.write("notes.txt", "not an image");
    const std::string empty = dir.write("empty.bin", "");
    CHECK(client::firmware_problem(image, "bread-compact-wifi", "1.6.2", true).empty());
    CHECK(client::firmware_problem(image, "bread", "v1.6", true).find("dotted") !=
          std::string::npos);
    CHECK(client::firmware_problem(image, "../etc", "1.6", true).find("path") != std::string::npos);
    CHECK(client::firmware_problem(text, "bread", "1.6", true).find("0xE9") != std::string::npos);
    CHECK(client::firmware_problem(text, "bread", "1.6", false).empty());
    CHECK(client::firmware_problem(empty, "bread", "1.6", false).find("empty") !=
          std::string::npos);
    CHECK(client::firmware_problem(dir.path() + "/missing.bin", "bread", "1.6", false)
              .find("cannot read") != std::string::npos);
}

TEST_CASE("a version below the uploaded one", "[client][rules]") {
    CHECK(client::version_below("1.6.2") == "0.0.0");
    CHECK(client::version_below("0.0.1") == "0.0.0");
    CHECK(client::version_below("2") == "0");
    CHECK_FALSE(client::version_below("0.0"));
    CHECK_FALSE(client::version_below("x"));
}
