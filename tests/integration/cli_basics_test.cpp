// The command line itself: --version, --help, unknown flags and bad values, the hidden completion.
#include <catch2/catch.hpp>

#include "cli_harness.hpp"

namespace {

using namespace xiaozhi::testing;

void require_usage_error(const Result& result) {
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    const std::vector<std::string> lines = result.err_lines();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind("xiaozhi: ", 0) == 0);
    CHECK(lines[1] == "Run with --help for more information.");
}

}  // namespace

TEST_CASE("xiaozhi --version prints the version") {
    const Result result = run_xiaozhi({"--version"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == "xiaozhi 0.1.0\n");
}

TEST_CASE("xiaozhi --help lists the subcommands, not the hidden completion") {
    const Result result = run_xiaozhi({"--help"});
    CHECK(result.exit_code == 0);
    for (const char* command :
         {"serve", "check-ports", "diff-config", "ota-push", "simulate-device"}) {
        CHECK(contains(result.out, std::string("\n  ") + command + " "));
    }
    CHECK_FALSE(contains(result.out, "completion"));
}

TEST_CASE("subcommand --help teaches every option with its default and an example") {
    for (const char* command : {"check-ports", "diff-config"}) {
        SECTION(command) {
            const Result result = run_xiaozhi({command, "--help"});
            CHECK(result.exit_code == 0);
            CHECK(contains(result.out, "Example"));
            CHECK(contains(result.out, std::string("xiaozhi ") + command + " "));
            CHECK(contains(result.out, "--format"));
            CHECK(contains(result.out, "--show-secrets"));
            CHECK(contains(result.out, "(default: "));
        }
    }
}

TEST_CASE("usage errors: exit 2, one line and a pointer to --help") {
    SECTION("no subcommand") {
        require_usage_error(run_xiaozhi(std::vector<std::string>{}));
    }
    SECTION("an unknown subcommand") {
        require_usage_error(run_xiaozhi({"serve-everything"}));
    }
    SECTION("an unknown flag") {
        require_usage_error(run_xiaozhi({"check-ports", "--bogus", fixture("single-module")}));
    }
    SECTION("an unknown global flag") {
        require_usage_error(run_xiaozhi({"--bogus"}));
    }
    SECTION("a value outside the choices") {
        const Result result =
            run_xiaozhi({"check-ports", "--format", "yaml", fixture("single-module")});
        require_usage_error(result);
        CHECK(contains(result.err, "--format"));
    }
    SECTION("--fail-on info is not a threshold") {
        require_usage_error(
            run_xiaozhi({"check-ports", "--fail-on", "info", fixture("single-module")}));
    }
    SECTION("--runtime outside the choices") {
        require_usage_error(
            run_xiaozhi({"check-ports", "--runtime", "node", fixture("single-module")}));
    }
    SECTION("a flag without its value") {
        require_usage_error(run_xiaozhi({"check-ports", "--format"}));
    }
    SECTION("completion for an unknown shell") {
        require_usage_error(run_xiaozhi({"completion", "tcsh"}));
    }
}

TEST_CASE("repeatable options take one value each, paths may follow") {
    const Result result = run_xiaozhi(
        {"check-ports", "--no-probe", "--set", "server.port=8000", fixture("seed-port-mismatch")});
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    // Both folders stay positional: they hold the same server.websocket.
    const Result only = run_xiaozhi({"diff-config", "--only", "server.websocket",
                                     fixture("single-module"), fixture("seed-port-mismatch")});
    INFO(only.out << only.err);
    CHECK(only.exit_code == 0);
}

TEST_CASE("xiaozhi completion prints a script for each shell") {
    SECTION("bash") {
        const Result result = run_xiaozhi({"completion", "bash"});
        CHECK(result.exit_code == 0);
        CHECK(contains(result.out, "complete -F _xiaozhi xiaozhi"));
        CHECK(contains(result.out, "check-ports"));
        CHECK_FALSE(contains(result.out, "completion)"));
    }
    SECTION("zsh") {
        const Result result = run_xiaozhi({"completion", "zsh"});
        CHECK(result.exit_code == 0);
        CHECK(result.out.rfind("#compdef xiaozhi\n", 0) == 0);
        CHECK(contains(result.out, "compdef _xiaozhi xiaozhi"));
        CHECK(contains(result.out, "(text json sarif junit github)"));
    }
    SECTION("fish") {
        const Result result = run_xiaozhi({"completion", "fish"});
        CHECK(result.exit_code == 0);
        CHECK(contains(result.out, "complete -c xiaozhi"));
        CHECK(contains(result.out, "-l format -x -a 'text json sarif junit github'"));
        CHECK(contains(result.out, "-l fail-on"));
    }
}

TEST_CASE("standard output that cannot be written is a runtime failure") {
    Run run{{"check-ports", "--no-probe", fixture("seed-port-mismatch")}};
    run.stdout_file = "/dev/full";  // accepts the open, fails every write
    const Result result = run_xiaozhi(run);
    CHECK(result.exit_code == 3);
    REQUIRE(result.err_lines().size() == 1);
    CHECK(result.err_lines().front() == "xiaozhi: cannot write to standard output");
}
