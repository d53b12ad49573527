// check-ports against a host: snapshots written by the test, --dump-host, the live probe.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "cli_harness.hpp"

namespace {

using namespace xiaozhi::testing;

nlohmann::json snapshot_with(const nlohmann::json& sockets, const nlohmann::json& instances) {
    return {{"version", 1},
            {"probed", true},
            {"sockets", sockets},
            {"addresses", {"127.0.0.1", "192.168.1.20"}},
            {"ephemeral_range", {32768, 60999}},
            {"unprivileged_port_start", 1024},
            {"can_bind_privileged", false},
            {"bindv6only", false},
            {"instances", instances}};
}

nlohmann::json tcp_socket(const std::string& address, int port, int pid,
                          const std::string& command) {
    return {{"transport", "tcp"},
            {"address", address},
            {"port", port},
            {"pid", pid},
            {"command", command}};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Result check_with_snapshot(const std::string& snapshot_file, const std::string& folder) {
    return run_xiaozhi(
        {"check-ports", "--format", "json", "--host-snapshot", snapshot_file, folder});
}

}  // namespace

TEST_CASE("check-ports --host-snapshot: a port held by another process is port.in-use") {
    const TempDir dir;
    const std::string snapshot = dir.write(
        "host.json",
        snapshot_with(
            nlohmann::json::array({tcp_socket("0.0.0.0", 8000, 4242, "/usr/bin/python3 app.py")}),
            nlohmann::json::array())
            .dump());
    const Result result = check_with_snapshot(snapshot, fixture("single-module"));
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    const auto found = findings_with_rule(parse_json(result.out), "port.in-use");
    REQUIRE(found.size() == 1);
    CHECK(found.front().at("severity") == "error");
    CHECK(found.front().at("key") == "server.port");
    const std::string message = found.front().at("message");
    CHECK(contains(message, "4242"));
    CHECK(contains(message, "/usr/bin/python3 app.py"));
    CHECK_FALSE(found.front().at("suggestion").get<std::string>().empty());
}

TEST_CASE("check-ports --host-snapshot: near misses are not port.in-use") {
    const TempDir dir;
    SECTION("another port") {
        const std::string snapshot = dir.write(
            "host.json",
            snapshot_with(nlohmann::json::array({tcp_socket("0.0.0.0", 8001, 4242, "nginx")}),
                          nlohmann::json::array())
                .dump());
        const Result result = check_with_snapshot(snapshot, fixture("single-module"));
        CHECK(result.exit_code == 0);
        CHECK(findings_with_rule(parse_json(result.out), "port.in-use").empty());
    }
    SECTION("the same port over UDP") {
        nlohmann::json socket = tcp_socket("0.0.0.0", 8000, 4242, "dnsmasq");
        socket["transport"] = "udp";
        const std::string snapshot = dir.write(
            "host.json",
            snapshot_with(nlohmann::json::array({socket}), nlohmann::json::array()).dump());
        const Result result = check_with_snapshot(snapshot, fixture("single-module"));
        CHECK(result.exit_code == 0);
        CHECK(findings_with_rule(parse_json(result.out), "port.in-use").empty());
    }
}

TEST_CASE(
    "check-ports --host-snapshot: a port held by this deployment's serve is port.held-by-self") {
    const TempDir dir;
    const nlohmann::json held = tcp_socket("0.0.0.0", 8000, 5151, "xiaozhi serve");
    const nlohmann::json instance = {{"pid", 5151},
                                     {"state_dir", fixture("single-module") + "/data/state"},
                                     {"ports", nlohmann::json::array({held})}};
    const std::string snapshot = dir.write(
        "host.json",
        snapshot_with(nlohmann::json::array({held}), nlohmann::json::array({instance})).dump());
    const Result result = check_with_snapshot(snapshot, fixture("single-module"));
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    const nlohmann::json report = parse_json(result.out);
    const auto found = findings_with_rule(report, "port.held-by-self");
    REQUIRE(found.size() == 1);
    CHECK(found.front().at("severity") == "info");
    CHECK(contains(found.front().at("message"), "5151"));
    CHECK(findings_with_rule(report, "port.in-use").empty());
}

TEST_CASE("check-ports --host-snapshot cannot be combined with --no-probe") {
    const TempDir dir;
    const std::string snapshot = dir.write(
        "host.json", snapshot_with(nlohmann::json::array(), nlohmann::json::array()).dump());
    const Result result = run_xiaozhi(
        {"check-ports", "--no-probe", "--host-snapshot", snapshot, fixture("single-module")});
    CHECK(result.exit_code == 2);
    CHECK(result.err_lines().size() == 2);
    CHECK(result.err_lines().front().rfind("xiaozhi: ", 0) == 0);
}

TEST_CASE("check-ports --host-snapshot: an invalid snapshot is an input error") {
    const TempDir dir;
    SECTION("not JSON") {
        const std::string snapshot = dir.write("host.json", "{\"sockets\": [\n");
        const Result result = check_with_snapshot(snapshot, fixture("single-module"));
        CHECK(result.exit_code == 2);
        REQUIRE(result.err_lines().size() == 1);
        CHECK(result.err_lines().front().rfind(snapshot + ":", 0) == 0);
    }
    SECTION("a field of the wrong type") {
        nlohmann::json bad = snapshot_with(nlohmann::json::array(), nlohmann::json::array());
        bad["sockets"] = nlohmann::json::array({tcp_socket("0.0.0.0", 70000, 1, "x")});
        const std::string snapshot = dir.write("host.json", bad.dump());
        const Result result = check_with_snapshot(snapshot, fixture("single-module"));
        CHECK(result.exit_code == 2);
        REQUIRE(result.err_lines().size() == 1);
        CHECK(contains(result.err, "port"));
    }
    SECTION("missing") {
        const Result result =
            check_with_snapshot(dir.path() + "/absent.json", fixture("single-module"));
        CHECK(result.exit_code == 2);
        CHECK(result.err_lines().size() == 1);
    }
}

TEST_CASE("check-ports --dump-host writes a snapshot that --host-snapshot reads back") {
    const TempDir dir;
    const std::string written = dir.path() + "/written.json";
    const std::string replayed = dir.path() + "/replayed.json";
    const std::string source = dir.write(
        "host.json",
        snapshot_with(nlohmann::json::array({tcp_socket("0.0.0.0", 8000, 4242, "python3 app.py")}),
                      nlohmann::json::array())
            .dump());

    SECTION("a snapshot given with --host-snapshot is written unchanged") {
        const Result first =
            run_xiaozhi({"check-ports", "--format", "json", "--host-snapshot", source,
                         "--dump-host", written, fixture("single-module")});
        CHECK(first.exit_code == 1);
        const nlohmann::json dumped = parse_json(read_file(written));
        CHECK(dumped.at("probed") == true);
        CHECK(dumped.at("sockets").at(0).at("pid") == 4242);
        const Result second = check_with_snapshot(written, fixture("single-module"));
        CHECK(second.exit_code == 1);
        CHECK(findings_with_rule(parse_json(second.out), "port.in-use").size() == 1);
    }
    SECTION("the live probe of this machine") {
        const Result probed = run_xiaozhi(
            {"check-ports", "--format", "json", "--dump-host", written, fixture("single-module")});
        INFO(probed.err);
        CHECK((probed.exit_code == 0 || probed.exit_code == 1));
        const nlohmann::json dumped = parse_json(read_file(written));
        CHECK(dumped.at("probed") == true);
        CHECK(dumped.at("sockets").is_array());
        const Result replay =
            run_xiaozhi({"check-ports", "--format", "json", "--host-snapshot", written,
                         "--dump-host", replayed, fixture("single-module")});
        CHECK(replay.exit_code == probed.exit_code);
        CHECK(parse_json(replay.out).at("findings") == parse_json(probed.out).at("findings"));
        CHECK(parse_json(read_file(replayed)) == dumped);
    }
    SECTION("--no-probe writes an empty snapshot") {
        const Result result = run_xiaozhi(
            {"check-ports", "--no-probe", "--dump-host", written, fixture("single-module")});
        CHECK(result.exit_code == 0);
        CHECK(parse_json(read_file(written)).at("probed") == false);
    }
    SECTION("an unwritable target is an input error") {
        const Result result =
            run_xiaozhi({"check-ports", "--no-probe", "--dump-host",
                         dir.path() + "/no/such/dir/host.json", fixture("single-module")});
        CHECK(result.exit_code == 2);
        CHECK(result.err_lines().size() == 1);
    }
}
