// check-ports options: --runtime, --set, the environment, no path, colour.
#include <catch2/catch.hpp>

#include "cli_harness.hpp"

namespace {

using namespace xiaozhi::testing;

constexpr const char* equal_ports_yaml =
    "server:\n"
    "  ip: 0.0.0.0\n"
    "  port: 8000\n"
    "  http_port: 8000\n"
    "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n";

nlohmann::json check_json(const std::vector<std::string>& extra,
                          const std::vector<std::string>& env = {}) {
    std::vector<std::string> args{"check-ports", "--no-probe", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result result = run_xiaozhi(Run{args, env});
    INFO(result.err);
    REQUIRE(result.exit_code <= 1);
    return parse_json(result.out);
}

bool has_error(const nlohmann::json& report, const std::string& rule) {
    for (const nlohmann::json& finding : findings_with_rule(report, rule)) {
        if (finding.at("severity") == "error") return true;
    }
    return false;
}

}  // namespace

TEST_CASE("check-ports --runtime: equal ports conflict for python, share a listener for xiaozhi") {
    const TempDir dir;
    const std::string yaml = dir.write("config.yaml", equal_ports_yaml);
    const std::string toml = fixture("native-toml/xiaozhi.toml");

    SECTION("a .yaml file defaults to the python runtime") {
        CHECK(has_error(check_json({yaml}), "port.conflict"));
        CHECK_FALSE(has_error(check_json({"--runtime", "xiaozhi", yaml}), "port.conflict"));
        CHECK(run_xiaozhi({"check-ports", "--no-probe", yaml}).exit_code == 1);
        CHECK(run_xiaozhi({"check-ports", "--no-probe", "--runtime", "xiaozhi", yaml}).exit_code ==
              0);
    }
    SECTION("a TOML file defaults to the xiaozhi runtime") {
        CHECK_FALSE(has_error(check_json({toml}), "port.conflict"));
        const nlohmann::json python = check_json({"--runtime", "python", toml});
        REQUIRE(has_error(python, "port.conflict"));
        CHECK(findings_with_rule(python, "port.conflict").front().at("key") == "server.http_port");
    }
    SECTION("different ports never conflict") {
        const std::string apart = dir.write("apart.yaml",
                                            "server:\n  port: 8000\n  http_port: 8003\n"
                                            "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n");
        CHECK_FALSE(has_error(check_json({apart}), "port.conflict"));
    }
}

TEST_CASE("check-ports --set and XIAOZHI_* change the checked values") {
    const std::string folder = fixture("seed-port-mismatch");
    REQUIRE(has_error(check_json({folder}), "url.port-mismatch"));

    SECTION("--set moves the port back to what the URL advertises") {
        const nlohmann::json report = check_json({folder, "--set", "server.port=8000"});
        CHECK_FALSE(has_error(report, "url.port-mismatch"));
        CHECK(run_xiaozhi({"check-ports", "--no-probe", folder, "--set", "server.port=8000"})
                  .exit_code == 0);
    }
    SECTION("the environment does the same") {
        CHECK_FALSE(
            has_error(check_json({folder}, {"XIAOZHI_SERVER__PORT=8000"}), "url.port-mismatch"));
    }
    SECTION("--set wins over the environment") {
        const nlohmann::json report =
            check_json({folder, "--set", "server.port=8100"}, {"XIAOZHI_SERVER__PORT=8000"});
        const auto found = findings_with_rule(report, "url.port-mismatch");
        REQUIRE(found.size() == 1);
        CHECK(contains(found.front().at("message"), "8100"));
    }
    SECTION("a bad --set value is a finding, not a crash") {
        const nlohmann::json report = check_json({folder, "--set", "server.port=80a"});
        CHECK((has_error(report, "config.type") || has_error(report, "port.invalid")));
    }
}

TEST_CASE("check-ports --set without '=' is an input error") {
    const Result result = run_xiaozhi(
        {"check-ports", "--no-probe", fixture("single-module"), "--set", "server.port"});
    CHECK(result.exit_code == 2);
    CHECK(result.err_lines().size() == 1);
    CHECK(result.out.empty());
}

TEST_CASE("check-ports with no path checks the config of the current folder") {
    SECTION("a xiaozhi-server folder") {
        const Result result = run_xiaozhi(Run{
            {"check-ports", "--no-probe", "--format", "json"}, {}, fixture("seed-port-mismatch")});
        INFO(result.err);
        CHECK(result.exit_code == 1);
        const auto found = findings_with_rule(parse_json(result.out), "url.port-mismatch");
        REQUIRE(found.size() == 1);
        CHECK(contains(found.front().at("origin").at("file"), "data/.config.yaml"));
    }
    SECTION("a xiaozhi.toml") {
        const Result result =
            run_xiaozhi(Run{{"check-ports", "--no-probe"}, {}, fixture("native-toml")});
        INFO(result.out << result.err);
        CHECK(result.exit_code == 0);
        CHECK(contains(result.out, "0 errors"));
    }
    SECTION("nothing to check: exit 2 and one line naming the folder") {
        const TempDir empty;
        const Result result = run_xiaozhi(Run{{"check-ports", "--no-probe"}, {}, empty.path()});
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        REQUIRE(result.err_lines().size() == 1);
        CHECK(result.err_lines().front().rfind("xiaozhi check-ports: nothing to check: ", 0) == 0);
        CHECK(contains(result.err, empty.path()));
    }
}

TEST_CASE("check-ports text colour: only on a terminal, never with NO_COLOR") {
    const std::vector<std::string> args{"check-ports", "--no-probe", fixture("seed-port-mismatch")};
    Run on_terminal{args};
    on_terminal.stdout_is_tty = true;
    const Result coloured = run_xiaozhi(on_terminal);
    CHECK(coloured.exit_code == 1);
    CHECK(contains(coloured.out, "\x1b["));

    on_terminal.env = {"NO_COLOR="};
    const Result plain = run_xiaozhi(on_terminal);
    CHECK(plain.exit_code == 1);
    CHECK(contains(plain.out, "url.port-mismatch"));
    CHECK_FALSE(contains(plain.out, "\x1b["));

    CHECK_FALSE(contains(run_xiaozhi(args).out, "\x1b["));
}

TEST_CASE("check-ports --remote: management-API rule keeps the server section local") {
    const TempDir dir;
    const std::string local = dir.write("config.yaml",
                                        "server:\n  ip: 0.0.0.0\n  port: 8000\n  http_port: 8003\n"
                                        "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n"
                                        "manager-api:\n  url: http://192.168.1.20:8002/xiaozhi\n  "
                                        "secret: s3cr3t-v4lue-f0r-tests\n");
    const std::string remote = dir.write("remote.yaml", "server:\n  port: 9000\n");
    // The remote port is dropped, so the advertised 8000 still matches the local port.
    const nlohmann::json report = check_json({local, "--remote", remote});
    CHECK_FALSE(has_error(report, "url.port-mismatch"));

    // Without manager-api.url the remote layer is serve's own, and its port takes effect.
    const std::string plain_local =
        dir.write("plain.yaml",
                  "server:\n  ip: 0.0.0.0\n  port: 8000\n  http_port: 8003\n"
                  "  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n");
    CHECK(has_error(check_json({plain_local, "--remote", remote}), "url.port-mismatch"));
}
