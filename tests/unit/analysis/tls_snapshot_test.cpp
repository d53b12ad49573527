// The host snapshot's record of the certificate files and its time: JSON, recording, replay.
#include <catch2/catch.hpp>

#include <filesystem>

#include "analysis/deployments.hpp"
#include "analysis/tls_files.hpp"
#include "config/input_error.hpp"
#include "config/load.hpp"
#include "host/snapshot.hpp"
#include "temp_dir.hpp"
#include "test_ca.hpp"
#include "tls/utc_time.hpp"

using namespace xiaozhi;
using Ca = xiaozhi::testing::TestCa;

namespace {

config::Loaded load_toml(const xiaozhi::test::TempDir& dir, const std::string& toml) {
    config::LoadOptions options;
    options.paths = {dir.write("xiaozhi.toml", toml)};
    return config::load(options);
}

std::vector<std::string> rules_of(const std::vector<analysis::Finding>& findings) {
    std::vector<std::string> rules;
    for (const auto& finding : findings) rules.push_back(finding.rule + " " + finding.message);
    return rules;
}

}  // namespace

TEST_CASE("snapshot JSON: time and certificates round-trip, absent when unset",
          "[analysis][tls][snapshot]") {
    xiaozhi::test::TempDir dir;
    Ca ca(dir.path());
    Ca::Leaf leaf;
    leaf.dns_names = {"voice.example.com"};
    leaf.ip_addresses = {"192.0.2.7"};
    auto files = ca.issue("voice", leaf);

    host::Snapshot snapshot;
    snapshot.probed = true;
    CHECK_FALSE(host::to_json(snapshot).contains("time"));
    CHECK_FALSE(host::to_json(snapshot).contains("certificates"));

    snapshot.time = tls::parse_utc_time("2026-03-01T08:30:00Z");
    snapshot.certificates.push_back(tls::read_certificate_pair(files.cert_path, files.key_path));
    snapshot.certificates.push_back(
        tls::read_certificate_pair(dir.path() + "/gone.pem", files.key_path));
    const nlohmann::json json = host::to_json(snapshot);
    CHECK(json.at("time") == "2026-03-01T08:30:00Z");
    CHECK(json.at("certificates").at(0).at("problem") == "none");
    CHECK(json.at("certificates").at(0).at("chain").at(0).at("dns_names") ==
          nlohmann::json::array({"voice.example.com"}));
    CHECK(json.at("certificates").at(1).at("problem") == "cert_unreadable");

    const host::Snapshot back = host::from_json(json, "host.json");
    CHECK(back.time == snapshot.time);
    REQUIRE(back.certificates.size() == 2);
    const auto& facts = back.certificates[0].chain.at(0);
    const auto& original = snapshot.certificates[0].chain.at(0);
    CHECK(facts.subject == original.subject);
    CHECK(facts.issuer == original.issuer);
    CHECK(facts.ip_addresses == original.ip_addresses);
    CHECK(facts.has_subject_alt_name);
    CHECK(facts.not_after == original.not_after);
    CHECK(facts.sha256_fingerprint == original.sha256_fingerprint);
    CHECK(back.certificates[1].problem == tls::PairProblem::cert_unreadable);
    CHECK(back.certificates[1].detail == snapshot.certificates[1].detail);
    CHECK(host::to_json(back) == json);
}

TEST_CASE("snapshot JSON: a bad time or certificate record names the field",
          "[analysis][tls][snapshot]") {
    auto error_of = [](const nlohmann::json& json) {
        try {
            host::from_json(json, "host.json");
        } catch (const config::InputError& error) {
            return std::string(error.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(error_of({{"time", "yesterday"}}), Catch::Contains("field time"));
    CHECK_THAT(error_of({{"certificates", {{{"cert", "a"}, {"key", "b"}, {"problem", "bad"}}}}}),
               Catch::Contains("certificates[0].problem"));
    CHECK_THAT(error_of({{"certificates", {{{"key", "b"}, {"problem", "none"}}}}}),
               Catch::Contains("certificates[0].cert"));
    CHECK_THAT(error_of({{"certificates",
                          {{{"cert", "a"},
                            {"key", "b"},
                            {"problem", "none"},
                            {"chain", nlohmann::json::array({nlohmann::json::object()})}}}}}),
               Catch::Contains("certificates[0].chain[0].not_before"));
}

TEST_CASE("record_tls_files, then a replay without the files gives the same findings",
          "[analysis][tls][snapshot]") {
    xiaozhi::test::TempDir dir;
    auto ca = std::make_unique<Ca>(dir.path() + "/ca");
    Ca::Leaf leaf;
    leaf.dns_names = {"voice.example.com"};
    leaf.not_after_offset = std::chrono::seconds(86400 * 20);
    auto files = ca->issue("voice", leaf);
    const config::Loaded loaded =
        load_toml(dir,
                  "[server]\nwebsocket = \"wss://other.example.com:8443/xiaozhi/v1/\"\n"
                  "[server.tls]\nport = 8443\ncert = \"" +
                      files.cert_path + "\"\nkey = \"" + files.key_path + "\"\n");

    host::Snapshot snapshot;
    analysis::record_tls_files(loaded, deploy::Runtime::xiaozhi, snapshot);
    REQUIRE(snapshot.time.has_value());
    REQUIRE(snapshot.certificates.size() == 1);
    CHECK(snapshot.certificates[0].cert_path == files.cert_path);
    const auto live = analysis::analyze_deployments(loaded, deploy::Runtime::xiaozhi, snapshot);
    const auto live_rules = rules_of(live);
    CHECK(std::count_if(live.begin(), live.end(),
                        [](const auto& f) { return f.rule == "tls.expiring"; }) == 1);
    CHECK(std::count_if(live.begin(), live.end(),
                        [](const auto& f) { return f.rule == "tls.host-not-covered"; }) == 1);

    const nlohmann::json dumped = host::to_json(snapshot);
    std::filesystem::remove_all(dir.path() + "/ca");
    const host::Snapshot replayed = host::from_json(dumped, "host.json");
    CHECK(rules_of(analysis::analyze_deployments(loaded, deploy::Runtime::xiaozhi, replayed)) ==
          live_rules);

    // Without the record the files are read again: now they are gone.
    host::Snapshot timed;
    timed.time = snapshot.time;
    const auto reread = analysis::analyze_deployments(loaded, deploy::Runtime::xiaozhi, timed);
    CHECK(std::count_if(reread.begin(), reread.end(),
                        [](const auto& f) { return f.rule == "tls.file-unreadable"; }) == 1);
}

TEST_CASE("record_tls_files leaves a snapshot alone for a deployment without certificates",
          "[analysis][tls][snapshot]") {
    xiaozhi::test::TempDir dir;
    const config::Loaded loaded = load_toml(dir, "[server]\nport = 8000\n");
    host::Snapshot snapshot;
    analysis::record_tls_files(loaded, deploy::Runtime::xiaozhi, snapshot);
    CHECK_FALSE(snapshot.time.has_value());
    CHECK(snapshot.certificates.empty());
}
