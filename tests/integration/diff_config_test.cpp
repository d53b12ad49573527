// diff-config: semantic diffs across syntaxes, filters, secrets, --check and json output.
#include <catch2/catch.hpp>

#include "cli_harness.hpp"

namespace {

using namespace xiaozhi::testing;

constexpr const char* server_yaml =
    "server:\n"
    "  ip: 0.0.0.0\n"
    "  port: 8000\n"
    "  http_port: 8003\n"
    "  auth_key: first-secret-value\n"
    "  auth:\n"
    "    allowed_devices: [\"aa:aa:aa:aa:aa:aa\", \"bb:bb:bb:bb:bb:bb\"]\n";

constexpr const char* same_server_toml =
    "[server]\n"
    "ip = \"0.0.0.0\"\n"
    "port = 8000\n"
    "http_port = 8003\n"
    "auth_key = \"first-secret-value\"\n"
    "[server.auth]\n"
    "allowed_devices = [\"aa:aa:aa:aa:aa:aa\", \"bb:bb:bb:bb:bb:bb\"]\n";

constexpr const char* same_server_json =
    "{\"server\": {\"ip\": \"0.0.0.0\", \"port\": 8000, \"http_port\": 8003,\n"
    " \"auth_key\": \"first-secret-value\",\n"
    " \"auth\": {\"allowed_devices\": [\"aa:aa:aa:aa:aa:aa\", \"bb:bb:bb:bb:bb:bb\"]}}}\n";

// Port changed, ip removed, timezone added, secret changed, list reordered.
constexpr const char* changed_server_toml =
    "[server]\n"
    "port = 8100\n"
    "http_port = 8003\n"
    "timezone_offset = 8\n"
    "auth_key = \"second-secret-value\"\n"
    "[server.auth]\n"
    "allowed_devices = [\"bb:bb:bb:bb:bb:bb\", \"aa:aa:aa:aa:aa:aa\"]\n";

Result diff(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"diff-config"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_xiaozhi(args);
}

const nlohmann::json* change_of(const nlohmann::json& report, const std::string& key) {
    for (const nlohmann::json& change : report.at("changes")) {
        if (change.at("key") == key) return &change;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("diff-config: the same values in YAML, TOML and JSON are no difference") {
    const TempDir dir;
    const std::string yaml = dir.write("a.yaml", server_yaml);
    const std::string toml = dir.write("b.toml", same_server_toml);
    const std::string json = dir.write("c.json", same_server_json);
    for (const auto& [a, b] :
         {std::pair{yaml, toml}, std::pair{toml, json}, std::pair{yaml, json}}) {
        const Result result = diff({a, b});
        INFO(a << " vs " << b << "\n" << result.out << result.err);
        CHECK(result.exit_code == 0);
        CHECK(contains(result.out, "no differences"));
        CHECK(result.err.empty());
    }
}

TEST_CASE("diff-config: types matter, 8000 and \"8000\" differ") {
    const TempDir dir;
    const std::string number = dir.write("a.yaml", "server:\n  port: 8000\n");
    const std::string text = dir.write("b.yaml", "server:\n  port: \"8000\"\n");
    CHECK(diff({number, text}).exit_code == 1);
}

TEST_CASE("diff-config text: added, removed and changed keys with both origins") {
    const TempDir dir;
    const std::string before = dir.write("before.yaml", server_yaml);
    const std::string after = dir.write("after.toml", changed_server_toml);
    const Result result = diff({before, after});
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    CHECK(contains(result.out, "+ server.timezone_offset = 8  (" + after + ":4:"));
    CHECK(contains(result.out, "- server.ip = 0.0.0.0  (" + before + ":2:"));
    CHECK(contains(result.out, "~ server.port: 8000 -> 8100  (" + before + ":3:"));
    CHECK(contains(result.out, " -> " + after + ":2:"));
    CHECK(contains(result.out, "server.auth.allowed_devices"));
}

TEST_CASE("diff-config: secrets are masked and still show as changed") {
    const TempDir dir;
    const std::string before = dir.write("before.yaml", server_yaml);
    const std::string after = dir.write("after.toml", changed_server_toml);

    const Result masked = diff({before, after});
    CHECK(contains(masked.out, "~ server.auth_key: *** (before) -> *** (after)"));
    CHECK_FALSE(contains(masked.out, "first-secret-value"));
    CHECK_FALSE(contains(masked.out, "second-secret-value"));

    const Result masked_json = diff({"--format", "json", before, after});
    CHECK_FALSE(contains(masked_json.out, "secret-value"));
    const nlohmann::json masked_report = parse_json(masked_json.out);
    const nlohmann::json* change = change_of(masked_report, "server.auth_key");
    REQUIRE(change != nullptr);
    CHECK(change->at("change") == "changed");

    const Result shown = diff({"--show-secrets", before, after});
    CHECK(contains(shown.out, "first-secret-value"));
    CHECK(contains(shown.out, "second-secret-value"));
}

TEST_CASE("diff-config --ignore, --only and --ignore-order") {
    const TempDir dir;
    const std::string before = dir.write("before.yaml", server_yaml);
    const std::string after = dir.write("after.toml", changed_server_toml);

    SECTION("--only keeps one subtree") {
        const Result result = diff({"--only", "server.port", before, after});
        CHECK(result.exit_code == 1);
        CHECK(contains(result.out, "server.port"));
        CHECK_FALSE(contains(result.out, "server.ip"));
        CHECK_FALSE(contains(result.out, "server.auth_key"));
    }
    SECTION("--ignore leaves keys out, and the rest can be the same") {
        const Result result = diff({"--ignore", "server.port", "--ignore", "server.ip", "--ignore",
                                    "server.timezone_offset", "--ignore", "server.auth_key",
                                    "--ignore", "server.auth", before, after});
        INFO(result.out);
        CHECK(result.exit_code == 0);
    }
    SECTION("--ignore-order makes a reordered list equal") {
        const std::vector<std::string> only{"--only", "server.auth.allowed_devices", before, after};
        CHECK(diff(only).exit_code == 1);
        std::vector<std::string> unordered{"--ignore-order"};
        unordered.insert(unordered.end(), only.begin(), only.end());
        CHECK(diff(unordered).exit_code == 0);
    }
}

TEST_CASE("diff-config --format json: changes with keys, values and origins") {
    const TempDir dir;
    const std::string before = dir.write("before.yaml", server_yaml);
    const std::string after = dir.write("after.toml", changed_server_toml);
    const Result result = diff({"--format", "json", before, after});
    CHECK(result.exit_code == 1);
    const nlohmann::json report = parse_json(result.out);
    const nlohmann::json* port = change_of(report, "server.port");
    REQUIRE(port != nullptr);
    CHECK(port->at("change") == "changed");
    CHECK(port->at("before") == 8000);
    CHECK(port->at("after") == 8100);
    CHECK(port->at("before_origin").at("file") == before);
    CHECK(port->at("after_origin").at("file") == after);
    CHECK(port->at("after_origin").at("line") == 2);
    const nlohmann::json* ip = change_of(report, "server.ip");
    REQUIRE(ip != nullptr);
    CHECK(ip->at("change") == "removed");
    const nlohmann::json* timezone = change_of(report, "server.timezone_offset");
    REQUIRE(timezone != nullptr);
    CHECK(timezone->at("change") == "added");
}

TEST_CASE("diff-config on xiaozhi-server folders compares their merged files") {
    const Result result =
        diff({"--only", "server.port", fixture("single-module"), fixture("seed-port-mismatch")});
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    CHECK(contains(result.out, "~ server.port: 8000 -> 8100"));
    CHECK(contains(result.out, "seed-port-mismatch/data/.config.yaml:3:"));
}

TEST_CASE("diff-config --check: findings introduced and resolved") {
    const std::string good = fixture("single-module");
    const std::string bad = fixture("seed-port-mismatch");

    SECTION("a change that introduces an error exits 1 and names it") {
        const Result result = diff({"--check", good, bad});
        INFO(result.out << result.err);
        CHECK(result.exit_code == 1);
        const std::size_t introduced = result.out.find("introduced:");
        const std::size_t resolved = result.out.find("resolved:");
        REQUIRE(introduced != std::string::npos);
        REQUIRE(resolved != std::string::npos);
        const std::size_t rule = result.out.find("error[url.port-mismatch]");
        CHECK((rule > introduced && rule < resolved));
    }
    SECTION("the reverse change resolves it") {
        const Result result = diff({"--check", "--format", "json", bad, good});
        INFO(result.out << result.err);
        CHECK(result.exit_code == 1);  // the configurations still differ
        const nlohmann::json report = parse_json(result.out);
        CHECK(report.contains("changes"));
        bool resolved = false;
        for (const nlohmann::json& finding : report.at("resolved")) {
            if (finding.at("rule") == "url.port-mismatch") resolved = true;
        }
        CHECK(resolved);
        for (const nlohmann::json& finding : report.at("introduced")) {
            CHECK(finding.at("severity") != "error");
        }
    }
    SECTION("the same configuration: nothing introduced, exit 0") {
        const Result result = diff({"--check", good, good});
        CHECK(result.exit_code == 0);
        CHECK(contains(result.out, "introduced: none"));
    }
    SECTION("--runtime decides equal ports for both sides") {
        const TempDir dir;
        const std::string apart =
            dir.write("apart.toml", "[server]\nport = 8000\nhttp_port = 8003\n");
        const std::string shared =
            dir.write("shared.toml", "[server]\nport = 8000\nhttp_port = 8000\n");
        CHECK_FALSE(contains(diff({"--check", apart, shared}).out, "error[port.conflict]"));
        const Result python = diff({"--check", "--runtime", "python", apart, shared});
        CHECK(python.exit_code == 1);
        CHECK(contains(python.out, "error[port.conflict]"));
    }
}

TEST_CASE("diff-config --layers: each value with its layer and what it overrode") {
    const std::string folder = fixture("seed-port-mismatch");

    SECTION("files over built-in defaults") {
        const Result result = diff({"--layers", folder});
        INFO(result.out << result.err);
        CHECK(result.exit_code == 0);
        CHECK(
            contains(result.out, "server.port = 8100  [file " + folder + "/data/.config.yaml:3:"));
        CHECK(contains(result.out, "    overrides 8000  [file " + folder + "/config.yaml:"));
        CHECK(contains(result.out, "[default built-in default]"));
    }
    SECTION("the environment and --set, with the right origins") {
        Run run{{"diff-config", "--layers", folder, "--set", "server.http_port=8300"},
                {"XIAOZHI_SERVER__PORT=8200"}};
        const Result result = run_xiaozhi(run);
        INFO(result.out << result.err);
        CHECK(result.exit_code == 0);
        CHECK(contains(result.out, "server.port = 8200  [env environment XIAOZHI_SERVER__PORT]"));
        CHECK(
            contains(result.out, "    overrides 8100  [file " + folder + "/data/.config.yaml:3:"));
        CHECK(contains(result.out, "server.http_port = 8300  [set --set server.http_port=8300]"));
    }
    SECTION("--set wins over the environment") {
        const Result result =
            run_xiaozhi(Run{{"diff-config", "--layers", folder, "--set", "server.port=8300"},
                            {"XIAOZHI_SERVER__PORT=8200"}});
        CHECK(contains(result.out, "server.port = 8300  [set --set server.port=8300]"));
        CHECK(contains(result.out, "    overrides 8200  [env environment XIAOZHI_SERVER__PORT]"));
    }
    SECTION("json") {
        const Result result =
            run_xiaozhi(Run{{"diff-config", "--layers", "--format", "json", folder},
                            {"XIAOZHI_SERVER__PORT=8200"}});
        const nlohmann::json report = parse_json(result.out);
        bool seen = false;
        for (const nlohmann::json& value : report.at("values")) {
            if (value.at("key") != "server.port") continue;
            seen = true;
            CHECK(value.at("value") == 8200);
            CHECK(value.at("origin").at("layer") == "env");
            CHECK(value.at("overridden").at(0).at("value") == 8100);
        }
        CHECK(seen);
    }
    SECTION("with no path, the config of the current folder") {
        const Result result = run_xiaozhi(Run{{"diff-config", "--layers"}, {}, folder});
        CHECK(result.exit_code == 0);
        CHECK(contains(result.out, "server.port = 8100"));
    }
    SECTION("secrets are masked unless --show-secrets") {
        const std::string with_secret = fixture("single-module");
        const Result masked = diff({"--layers", with_secret});
        CHECK(contains(masked.out, "server.auth_key = ***"));
        CHECK_FALSE(contains(masked.out, "3f9c1a7e5b2d4c6e8a0b1c2d3e4f5a6b"));
        CHECK_FALSE(contains(masked.out, "sk-not-a-real-key"));
        const Result shown = diff({"--layers", "--show-secrets", with_secret});
        CHECK(contains(shown.out, "3f9c1a7e5b2d4c6e8a0b1c2d3e4f5a6b"));
    }
}

TEST_CASE("diff-config --layers --remote: the management API cannot move the server section") {
    const TempDir dir;
    const std::string local =
        dir.write("config.yaml",
                  "server:\n  port: 8000\n  websocket: ws://192.168.1.20:8000/xiaozhi/v1/\n"
                  "manager-api:\n  url: http://192.168.1.20:8002/xiaozhi\n  secret: "
                  "s3cr3t-v4lue-f0r-tests\n");
    const std::string remote = dir.write(
        "remote.yaml", "server:\n  port: 9000\n  websocket: ws://192.168.1.30:8000/xiaozhi/v1/\n");
    const Result result = diff({"--layers", local, "--remote", remote});
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    CHECK(contains(result.out, "server.port = 8000  [file " + local + ":2:"));
    CHECK(contains(result.out, "    ignored 9000  [remote " + remote + ":2:"));
    CHECK(contains(result.out,
                   "server.websocket = ws://192.168.1.30:8000/xiaozhi/v1/  [remote " + remote));
}

TEST_CASE("diff-config usage errors exit 2") {
    const std::string folder = fixture("single-module");
    SECTION("one configuration") {
        const Result result = diff({folder});
        CHECK(result.exit_code == 2);
        REQUIRE(result.err_lines().size() == 1);
        CHECK(result.err_lines().front().rfind("xiaozhi diff-config: ", 0) == 0);
    }
    SECTION("three configurations") {
        CHECK(diff({folder, folder, folder}).exit_code == 2);
    }
    SECTION("--set belongs to --layers") {
        const Result result = diff({folder, folder, "--set", "server.port=1"});
        CHECK(result.exit_code == 2);
        CHECK(contains(result.err, "--layers"));
    }
    SECTION("--layers and --check do not mix") {
        CHECK(diff({"--layers", "--check", folder}).exit_code == 2);
    }
    SECTION("--format sarif is not a diff format") {
        CHECK(diff({"--format", "sarif", folder, folder}).exit_code == 2);
    }
    SECTION("a missing side") {
        const Result result = diff({folder, "/nonexistent/xiaozhi.toml"});
        CHECK(result.exit_code == 2);
        CHECK(result.err_lines().size() == 1);
        CHECK(contains(result.err, "/nonexistent/xiaozhi.toml"));
    }
}
