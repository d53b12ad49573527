// Test harness: run the real xiaozhi binary (posix_spawn) and make throw-away folders and files.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace xiaozhi::testing {

struct Run {
    std::vector<std::string> args = {};  // after the program name
    std::vector<std::string> env = {};   // "NAME=VALUE" added to the cleaned environment
    std::string cwd = {};                // empty: the test's own
    int timeout_ms = 120000;
    bool stdout_is_tty = false;    // standard output on a pseudo-terminal
    std::string stdout_file = {};  // standard output written to this file instead of captured
};

struct Result {
    int exit_code = -1;  // 128 + signal when killed
    std::string out;
    std::string err;
    bool timed_out = false;

    // Lines of standard error, without empty ones.
    std::vector<std::string> err_lines() const;
};

// Runs XIAOZHI_BINARY. The environment is the test's own without XIAOZHI_* and NO_COLOR,
// plus `run.env`. Standard input is /dev/null.
Result run_xiaozhi(const Run& run);
Result run_xiaozhi(const std::vector<std::string>& args);

// A folder under /tmp made with mkdtemp, removed with everything in it at the end of scope.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    // Writes `content` to path()/name (creating folders) and returns the full path.
    std::string write(const std::string& name, const std::string& content) const;

  private:
    std::string path_;
};

// XIAOZHI_FIXTURES/name.
std::string fixture(const std::string& name);

// Parses `text` as JSON; fails the test with the text when it is not.
nlohmann::json parse_json(const std::string& text);

// Runs `command` with /bin/sh, standard error joined to standard output; its exit status
// (-1 when killed) and everything it wrote.
std::pair<int, std::string> shell_output(const std::string& command);

// What `promtool check metrics` says of `exposition` (its output, and its exit status),
// the text written to a file in `dir` first.
std::pair<int, std::string> promtool_check(const std::string& exposition, const TempDir& dir);

// Whether `text` contains `needle`.
bool contains(const std::string& text, const std::string& needle);

// The JSON findings of a check-ports --format json run that have rule `rule`.
std::vector<nlohmann::json> findings_with_rule(const nlohmann::json& report,
                                               const std::string& rule);

}  // namespace xiaozhi::testing
