// Running the real simulate-device with a JSON report, for the integration tests.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

namespace xiaozhi::testing {

struct Simulated {
    Result result;
    nlohmann::json report;
};

// simulate-device with `args` and --report in `dir`, within `timeout_ms`; fails the test
// when it writes no report.
Simulated run_simulation(const TempDir& dir, std::vector<std::string> args, int timeout_ms);

}  // namespace xiaozhi::testing
