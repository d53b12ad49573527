// check-ports on folders with TLS certificates minted by the test CA: the TLS rules end to end.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "cli_harness.hpp"
#include "test_ca.hpp"

namespace {

using namespace xiaozhi::testing;

// A folder with a test CA, a certificate for voice.example.com and 192.168.1.20, and
// xiaozhi.toml naming them relative to the folder.
struct TlsFolder {
    TempDir dir;
    TestCa ca{dir.path() + "/tls"};

    TlsFolder() { ca.issue("server", leaf()); }

    static TestCa::Leaf leaf() {
        TestCa::Leaf leaf;
        leaf.dns_names = {"voice.example.com"};
        leaf.ip_addresses = {"192.168.1.20"};
        return leaf;
    }

    // xiaozhi.toml with [server] lines and a [server.tls] for tls/<name>.pem + .key.
    std::string config(const std::string& server_lines, const std::string& tls_lines,
                       const std::string& name = "server") const {
        return dir.write("xiaozhi.toml",
                         "[server]\n" + server_lines + "[server.tls]\ncert = \"tls/" + name +
                             ".pem\"\nkey = \"tls/" + name + ".key\"\n" + tls_lines);
    }
};

Result check(const std::string& config, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"check-ports", "--format", "json", "--no-probe"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(config);
    return run_xiaozhi(args);
}

std::vector<std::string> tls_rules(const nlohmann::json& report) {
    std::vector<std::string> rules;
    for (const auto& finding : report.at("findings")) {
        const std::string rule = finding.at("rule");
        if (rule.rfind("tls.", 0) == 0 || rule == "url.tls-no-listener" ||
            rule == "url.plain-on-tls-port" || rule == "url.wss-on-plain-port") {
            rules.push_back(rule);
        }
    }
    return rules;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("check-ports: a certificate that covers the TLS URL on the TLS port is clean",
          "[check-ports][tls]") {
    TlsFolder folder;
    const Result result =
        check(folder.config("websocket = \"wss://voice.example.com:8443/xiaozhi/v1/\"\n"
                            "ota = \"https://192.168.1.20:8443/xiaozhi/ota/\"\n",
                            "port = 8443\n"));
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    CHECK(tls_rules(parse_json(result.out)).empty());
}

TEST_CASE("check-ports: relative TLS paths are taken from the config file's folder",
          "[check-ports][tls]") {
    TlsFolder folder;
    const std::string config = folder.config("", "port = 8443\n");
    // Run from elsewhere: the paths still resolve against the folder of xiaozhi.toml.
    Run run;
    run.args = {"check-ports", "--format", "json", "--no-probe", config};
    run.cwd = std::filesystem::path("/").string();
    const Result result = run_xiaozhi(run);
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    CHECK(tls_rules(parse_json(result.out)).empty());
}

TEST_CASE("check-ports: unreadable, not-PEM and mismatched files", "[check-ports][tls]") {
    TlsFolder folder;
    SECTION("a missing certificate") {
        const Result result = check(folder.config("", "port = 8443\n", "absent"));
        CHECK(result.exit_code == 1);
        const auto found = findings_with_rule(parse_json(result.out), "tls.file-unreadable");
        REQUIRE(found.size() == 1);
        CHECK(found[0].at("key") == "server.tls.cert");
        CHECK(found[0].at("origin").at("line") == 3);
        CHECK(contains(found[0].at("message"), "tls/absent.pem"));
    }
    SECTION("a DER certificate") {
        folder.ca.write_der_certificate(folder.dir.path() + "/tls/der.pem");
        std::filesystem::copy_file(folder.dir.path() + "/tls/server.key",
                                   folder.dir.path() + "/tls/der.key");
        const Result result = check(folder.config("", "port = 8443\n", "der"));
        CHECK(result.exit_code == 1);
        CHECK(findings_with_rule(parse_json(result.out), "tls.not-pem").size() == 1);
    }
    SECTION("the key of another certificate") {
        folder.ca.issue("other", TlsFolder::leaf());
        std::filesystem::copy_file(folder.dir.path() + "/tls/server.pem",
                                   folder.dir.path() + "/tls/mixed.pem");
        std::filesystem::copy_file(folder.dir.path() + "/tls/other.key",
                                   folder.dir.path() + "/tls/mixed.key");
        const Result result = check(folder.config("", "port = 8443\n", "mixed"));
        CHECK(result.exit_code == 1);
        const auto found = findings_with_rule(parse_json(result.out), "tls.key-mismatch");
        REQUIRE(found.size() == 1);
        CHECK(found[0].at("key") == "server.tls.key");
    }
    SECTION("a chain whose intermediate is missing") {
        TestCa::Leaf leaf = TlsFolder::leaf();
        leaf.include_chain = true;
        leaf.omit_intermediate = true;
        const auto files = folder.ca.issue("broken", leaf);
        std::ofstream(files.cert_path, std::ios::app) << read_file(folder.ca.ca_path());
        const Result result = check(folder.config("", "port = 8443\n", "broken"));
        CHECK(result.exit_code == 1);
        CHECK(findings_with_rule(parse_json(result.out), "tls.chain-broken").size() == 1);
    }
}

TEST_CASE("check-ports: expired, not yet valid, expiring in 10 days", "[check-ports][tls]") {
    TlsFolder folder;
    TestCa::Leaf expired = TlsFolder::leaf();
    expired.not_before_offset = std::chrono::seconds(-86400 * 30);
    expired.not_after_offset = std::chrono::seconds(-86400);
    folder.ca.issue("expired", expired);
    TestCa::Leaf future = TlsFolder::leaf();
    future.not_before_offset = std::chrono::seconds(86400 * 2);
    folder.ca.issue("future", future);
    TestCa::Leaf soon = TlsFolder::leaf();
    soon.not_after_offset = std::chrono::seconds(86400 * 10 + 3600);
    folder.ca.issue("soon", soon);

    const Result gone = check(folder.config("", "port = 8443\n", "expired"));
    CHECK(gone.exit_code == 1);
    CHECK(findings_with_rule(parse_json(gone.out), "tls.expired").size() == 1);

    const Result early = check(folder.config("", "port = 8443\n", "future"));
    CHECK(early.exit_code == 1);
    CHECK(findings_with_rule(parse_json(early.out), "tls.not-yet-valid").size() == 1);

    const Result warned = check(folder.config("", "port = 8443\n", "soon"));
    INFO(warned.out);
    CHECK(warned.exit_code == 0);
    const auto expiring = findings_with_rule(parse_json(warned.out), "tls.expiring");
    REQUIRE(expiring.size() == 1);
    CHECK(expiring[0].at("severity") == "warning");
    CHECK(contains(expiring[0].at("message"), "in 10 days"));
    CHECK(check(folder.config("", "port = 8443\n", "soon"), {"--fail-on", "warning"}).exit_code ==
          1);
}

TEST_CASE("check-ports --now judges the certificate at that time", "[check-ports][tls]") {
    TlsFolder folder;
    const std::string config = folder.config("", "port = 8443\n");
    const auto in_a_year = std::chrono::system_clock::now() + std::chrono::hours(24 * 400);
    const std::time_t seconds = std::chrono::system_clock::to_time_t(in_a_year);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&seconds));
    const Result later = check(config, {"--now", text});
    CHECK(later.exit_code == 1);
    CHECK(findings_with_rule(parse_json(later.out), "tls.expired").size() == 1);

    const Result bad = check(config, {"--now", "next tuesday"});
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, "--now"));
}

TEST_CASE("check-ports: the host a device is given is not covered", "[check-ports][tls]") {
    TlsFolder folder;
    const Result result = check(folder.config(
        "websocket = \"wss://other.example.com:8443/xiaozhi/v1/\"\n", "port = 8443\n"));
    CHECK(result.exit_code == 1);
    const auto found = findings_with_rule(parse_json(result.out), "tls.host-not-covered");
    REQUIRE(found.size() == 1);
    CHECK(found[0].at("key") == "server.websocket");
    CHECK(contains(found[0].at("suggestion"), "voice.example.com, 192.168.1.20"));
}

TEST_CASE("check-ports: TLS URLs against the listeners", "[check-ports][tls]") {
    TlsFolder folder;
    const Result result =
        check(folder.config("port = 8000\nwebsocket = \"wss://192.168.1.20:8000/xiaozhi/v1/\"\n"
                            "ota = \"http://192.168.1.20:8443/xiaozhi/ota/\"\n"
                            "vision_explain = \"https://192.168.1.20:8003/mcp/vision/explain\"\n",
                            "port = 8443\n"));
    CHECK(result.exit_code == 1);
    const nlohmann::json report = parse_json(result.out);
    const auto wss = findings_with_rule(report, "url.wss-on-plain-port");
    REQUIRE(wss.size() == 1);
    CHECK(contains(wss[0].at("message"), "the WebSocket port speaks plain ws"));
    CHECK(findings_with_rule(report, "url.plain-on-tls-port").size() == 1);
    const auto no_listener = findings_with_rule(report, "url.tls-no-listener");
    REQUIRE(no_listener.size() == 1);
    CHECK(no_listener[0].at("key") == "server.vision_explain");
}

TEST_CASE("check-ports: a certificate no listener uses, and the TLS port in port.conflict",
          "[check-ports][tls]") {
    TlsFolder folder;
    const Result unused = check(folder.config("", ""));
    CHECK(unused.exit_code == 0);
    CHECK(tls_rules(parse_json(unused.out)) == std::vector<std::string>{"tls.unused-certificate"});

    const Result clash = check(folder.config("port = 8000\n", "port = 8000\n"));
    CHECK(clash.exit_code == 1);
    CHECK(findings_with_rule(parse_json(clash.out), "port.conflict").size() == 1);
}

TEST_CASE("check-ports: the reference behind a TLS proxy stays quiet", "[check-ports][tls]") {
    TlsFolder folder;
    folder.dir.write("config.yaml",
                     "server:\n  port: 8000\n  websocket: wss://voice.example.com/xiaozhi/v1/\n"
                     "  tls:\n    cert: tls/missing.pem\n    key: tls/missing.key\n");
    const Result result = check(folder.dir.path() + "/config.yaml");
    INFO(result.out);
    CHECK(result.exit_code == 0);
    CHECK(parse_json(result.out).at("findings").empty());
}

TEST_CASE("check-ports --dump-host records the certificates, and the replay needs no files",
          "[check-ports][tls]") {
    TlsFolder folder;
    TestCa::Leaf soon = TlsFolder::leaf();
    soon.not_after_offset = std::chrono::seconds(86400 * 12);
    folder.ca.issue("soon", soon);
    const std::string config = folder.config("", "port = 8443\n", "soon");
    const std::string dumped = folder.dir.path() + "/host.json";
    const Result live = check(config, {"--dump-host", dumped});
    REQUIRE(live.exit_code == 0);
    const nlohmann::json snapshot = parse_json(read_file(dumped));
    REQUIRE(snapshot.contains("time"));
    REQUIRE(snapshot.at("certificates").size() == 1);
    const nlohmann::json& record = snapshot.at("certificates").at(0);
    CHECK(contains(record.at("cert"), "tls/soon.pem"));
    CHECK(record.at("problem") == "none");
    CHECK(record.at("chain").at(0).at("dns_names") == nlohmann::json::array({"voice.example.com"}));
    CHECK(record.at("chain").at(0).at("sha256_fingerprint").get<std::string>().size() == 95);

    std::filesystem::remove_all(folder.dir.path() + "/tls");
    const Result replay =
        run_xiaozhi({"check-ports", "--format", "json", "--host-snapshot", dumped, config});
    INFO(replay.out << replay.err);
    CHECK(replay.exit_code == live.exit_code);
    CHECK(parse_json(replay.out).at("findings") == parse_json(live.out).at("findings"));
}
