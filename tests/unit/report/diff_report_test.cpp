// Tests of configuration diffs as text and JSON, with secrets masked.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "report/config_report.hpp"
#include "report_test_support.hpp"

using namespace xiaozhi;
using namespace xiaozhi::report;
using namespace xiaozhi::report::test;
using nlohmann::json;

namespace {

config::DiffEntry added(std::string key, config::Node value, config::Origin origin) {
    return {std::move(key),   config::Change::added, std::nullopt,
            std::move(value), std::nullopt,          std::move(origin)};
}

config::DiffEntry removed(std::string key, config::Node value, config::Origin origin) {
    return {std::move(key), config::Change::removed, std::move(value),
            std::nullopt,   std::move(origin),       std::nullopt};
}

config::DiffEntry changed(std::string key, config::Node before, config::Node after,
                          config::Origin before_origin, config::Origin after_origin) {
    return {std::move(key),   config::Change::changed,  std::move(before),
            std::move(after), std::move(before_origin), std::move(after_origin)};
}

config::Node integer(std::int64_t value) {
    return config::Node::integer_at(value, {});
}
config::Node text(std::string value) {
    return config::Node::string_at(std::move(value), {});
}

// One of each change: a port changed, a new secret added, a legacy key removed.
std::vector<config::DiffEntry> sample_diff() {
    return {
        changed("server.port", integer(8000), integer(8100), file_origin("a.yaml", 2, 9),
                file_origin("b.yaml", 2, 9)),
        added("server.auth_key", text("s3cr3t-value"), file_origin("b.yaml", 5, 13)),
        removed("server.ota_port", integer(8002), file_origin("a.yaml", 3, 13)),
    };
}

std::string diff_text(const std::vector<config::DiffEntry>& diff, bool show_secrets,
                      Format format = Format::text) {
    std::ostringstream out;
    MaskOptions mask;
    mask.show_secrets = show_secrets;
    write_diff(out, format, diff, mask, false);
    return out.str();
}

}  // namespace

TEST_CASE("diff text: one line per change and a summary", "[diff]") {
    const auto lines = lines_of(diff_text(sample_diff(), false));
    const std::vector<std::string> expected = {
        "~ server.port: 8000 -> 8100  (a.yaml:2:9 -> b.yaml:2:9)",
        "+ server.auth_key = ***  (b.yaml:5:13)",
        "- server.ota_port = 8002  (a.yaml:3:13)",
        "",
        "3 changes: 1 added, 1 removed, 1 changed",
    };
    CHECK(lines == expected);
}

TEST_CASE("diff text: no differences", "[diff]") {
    CHECK(diff_text({}, false) == "no differences\n");
}

TEST_CASE("diff text: a changed secret shows as changed but masked", "[diff]") {
    const std::vector<config::DiffEntry> diff = {
        changed("manager-api.secret", text("old-secret-1"), text("new-secret-2"),
                file_origin("a.yaml", 9, 11), file_origin("b.yaml", 9, 11))};
    const std::string masked = diff_text(diff, false);
    CHECK(lines_of(masked)[0] ==
          "~ manager-api.secret: *** (before) -> *** (after)  (a.yaml:9:11 -> b.yaml:9:11)");
    CHECK(masked.find("old-secret-1") == std::string::npos);
    CHECK(masked.find("new-secret-2") == std::string::npos);
    CHECK(lines_of(masked).back() == "1 change: 0 added, 0 removed, 1 changed");

    const std::string shown = diff_text(diff, true);
    CHECK(shown.find("old-secret-1") != std::string::npos);
    CHECK(shown.find("new-secret-2") != std::string::npos);
    CHECK(shown.find("***") == std::string::npos);
}

TEST_CASE("diff text: secrets inside a map value are masked too", "[diff]") {
    config::Node section = config::Node::map_at({});
    section.set("url", text("http://api:8002/xiaozhi"));
    section.set("secret", text("inner-secret"));
    const std::vector<config::DiffEntry> diff = {
        added("manager-api", section, file_origin("b.yaml", 1, 1))};
    const std::string masked = diff_text(diff, false);
    CHECK(masked.find("inner-secret") == std::string::npos);
    CHECK(masked.find("http://api:8002/xiaozhi") != std::string::npos);
    CHECK(diff_text(diff, true).find("inner-secret") != std::string::npos);
}

TEST_CASE("diff: a --set origin of a secret is masked unless secrets are shown", "[diff]") {
    const std::vector<config::DiffEntry> diff = {
        added("server.admin_token", text("tok-123"), set_origin("server.admin_token=tok-123"))};
    CHECK(diff_text(diff, false) ==
          "+ server.admin_token = ***  (--set server.admin_token=***)\n\n"
          "1 change: 1 added, 0 removed, 0 changed\n");
    CHECK(json::parse(diff_text(diff, false, Format::json))["changes"][0]["after_origin"]["file"] ==
          "--set server.admin_token=***");
    const std::string shown = lines_of(diff_text(diff, true))[0];
    CHECK(shown.find("(--set server.admin_token=tok-123)") != std::string::npos);
    CHECK(shown.find("***") == std::string::npos);
}

TEST_CASE("diff json: changes with typed values and masked secrets and a summary", "[diff]") {
    const json document = json::parse(diff_text(sample_diff(), false, Format::json));
    const json& changes = document.at("changes");
    REQUIRE(changes.size() == 3);
    CHECK(changes[0].at("key") == "server.port");
    CHECK(changes[0].at("change") == "changed");
    CHECK(changes[0].at("before") == 8000);
    CHECK(changes[0].at("after") == 8100);
    CHECK(changes[0].at("before_origin").at("file") == "a.yaml");
    CHECK(changes[0].at("after_origin").at("line") == 2);

    CHECK(changes[1].at("change") == "added");
    CHECK(changes[1].at("before").is_null());
    CHECK(changes[1].at("after") == "***");
    CHECK(changes[1].at("before_origin").is_null());

    CHECK(changes[2].at("change") == "removed");
    CHECK(changes[2].at("before") == 8002);
    CHECK(changes[2].at("after").is_null());

    CHECK(document.at("summary") == json{{"added", 1}, {"removed", 1}, {"changed", 1}});

    const json shown = json::parse(diff_text(sample_diff(), true, Format::json));
    CHECK(shown["changes"][1].at("after") == "s3cr3t-value");
}

TEST_CASE("diff: formats other than text and json are refused", "[diff]") {
    for (Format format : {Format::sarif, Format::junit, Format::github}) {
        CHECK_THROWS_AS(diff_text(sample_diff(), false, format), std::invalid_argument);
    }
}
