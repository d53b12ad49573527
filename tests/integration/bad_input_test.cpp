// Bad inputs: malformed, truncated, binary, huge and missing files give exit 2 and one line.
#include <fcntl.h>
#include <unistd.h>

#include <random>

#include <catch2/catch.hpp>

#include "cli_harness.hpp"

namespace {

using namespace xiaozhi::testing;

// Exit 2, nothing on standard output, one line on standard error that starts with `prefix`.
void require_one_line_error(const Result& result, const std::string& prefix) {
    INFO("stdout: " << result.out << "\nstderr: " << result.err);
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    REQUIRE(result.err_lines().size() == 1);
    CHECK(result.err_lines().front().rfind(prefix, 0) == 0);
    CHECK_FALSE(contains(result.err, "terminate called"));
    CHECK_FALSE(contains(result.err, "Sanitizer"));
}

// "file:line:col: " where line and col are positive numbers.
bool starts_with_position(const std::string& line, const std::string& file) {
    if (line.rfind(file + ":", 0) != 0) return false;
    std::size_t at = file.size() + 1;
    for (int field = 0; field < 2; ++field) {
        const std::size_t digits = line.find_first_not_of("0123456789", at);
        if (digits == at || digits == std::string::npos || line[digits] != ':') return false;
        if (std::stoi(line.substr(at, digits - at)) <= 0) return false;
        at = digits + 1;
    }
    return line.compare(at, 1, " ") == 0;
}

void require_positioned_error(const std::string& file) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"check-ports", "--no-probe", file},
          std::vector<std::string>{"diff-config", file, file},
          std::vector<std::string>{"diff-config", "--layers", file}}) {
        const Result result = run_xiaozhi(args);
        require_one_line_error(result, file + ":");
        CHECK(starts_with_position(result.err_lines().front(), file));
    }
}

}  // namespace

TEST_CASE("malformed YAML, TOML and JSON: one line starting with file:line:col:") {
    const TempDir dir;
    SECTION("YAML") {
        require_positioned_error(dir.write("config.yaml", "server:\n  port: 8000\n   ip: [1, 2\n"));
    }
    SECTION("YAML with a tab") {
        require_positioned_error(dir.write("tabs.yaml", "server:\n\tport: 8000\n"));
    }
    SECTION("TOML") {
        require_positioned_error(dir.write("xiaozhi.toml", "[server]\nport = 8000\nip = \n"));
    }
    SECTION("TOML with a duplicate key") {
        require_positioned_error(dir.write("dup.toml", "[server]\nport = 8000\nport = 8001\n"));
    }
    SECTION("JSON") {
        require_positioned_error(dir.write("xiaozhi.json", "{\"server\": {\"port\": 8000,}}\n"));
    }
}

TEST_CASE("truncated files: exit 2 and one line") {
    const TempDir dir;
    SECTION("JSON cut in the middle") {
        require_positioned_error(dir.write("cut.json", "{\"server\": {\"port\": 80"));
    }
    SECTION("TOML cut in a string") {
        require_positioned_error(dir.write("cut.toml", "[server]\nwebsocket = \"ws://192.168"));
    }
    SECTION("YAML cut in a flow list") {
        require_positioned_error(
            dir.write("cut.yaml", "server:\n  auth:\n    allowed_devices: [\"a"));
    }
}

TEST_CASE("a binary file: exit 2 and one line") {
    const TempDir dir;
    std::string bytes(4096, '\0');
    std::mt19937 random(20240601);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = i % 7 == 0 ? '\0' : static_cast<char>(random() & 0xff);
    }
    for (const char* name : {"random.yaml", "random.toml", "random.json"}) {
        const std::string file = dir.write(name, bytes);
        require_one_line_error(run_xiaozhi({"check-ports", "--no-probe", file}), file + ":");
    }
}

TEST_CASE("a 100 MB file: exit 2 and one line, quickly") {
    const TempDir dir;
    for (const char* name : {"huge.yaml", "huge.toml", "huge.json"}) {
        const std::string file = dir.path() + "/" + name;
        const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        REQUIRE(fd >= 0);
        REQUIRE(ftruncate(fd, 100L * 1024 * 1024) == 0);  // sparse: takes no space
        close(fd);
        Run run{{"check-ports", "--no-probe", file}};
        run.timeout_ms = 60000;
        require_one_line_error(run_xiaozhi(run), file + ":");
    }
}

TEST_CASE("a huge --remote or --host-snapshot file is refused the same way") {
    const TempDir dir;
    const std::string file = dir.path() + "/huge.json";
    const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, 100L * 1024 * 1024) == 0);
    close(fd);
    require_one_line_error(
        run_xiaozhi({"check-ports", "--no-probe", fixture("single-module"), "--remote", file}),
        file + ":");
    require_one_line_error(
        run_xiaozhi({"check-ports", "--host-snapshot", file, fixture("single-module")}),
        file + ":");
}

TEST_CASE("missing inputs: exit 2 and one line naming them") {
    const TempDir dir;
    const std::string missing = dir.path() + "/absent.yaml";
    require_one_line_error(run_xiaozhi({"check-ports", "--no-probe", missing}), missing);
    require_one_line_error(
        run_xiaozhi({"check-ports", "--no-probe", fixture("single-module"), "--remote", missing}),
        missing);
    SECTION("a folder without a config file") {
        require_one_line_error(run_xiaozhi({"check-ports", "--no-probe", dir.path()}), dir.path());
    }
}

TEST_CASE("an empty file is a valid, empty configuration") {
    const TempDir dir;
    const std::string empty = dir.write("empty.yaml", "");
    const Result result = run_xiaozhi({"check-ports", "--no-probe", empty});
    CHECK(result.err.empty());
    CHECK((result.exit_code == 0 || result.exit_code == 1));
}

TEST_CASE("a config that is not a map: exit 2 and one line") {
    const TempDir dir;
    const std::string list = dir.write("list.yaml", "- 1\n- 2\n");
    require_one_line_error(run_xiaozhi({"check-ports", "--no-probe", list}), list + ":");
}
