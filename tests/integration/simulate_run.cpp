// run_simulation: simulate-device with a report file, the report parsed.
#include "simulate_run.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace xiaozhi::testing {

Simulated run_simulation(const TempDir& dir, std::vector<std::string> args, int timeout_ms) {
    const std::string report = dir.path() + "/report.json";
    args.insert(args.begin(), "simulate-device");
    args.insert(args.end(), {"--report", report});
    Simulated simulated;
    simulated.result = run_xiaozhi(Run{args, {}, {}, timeout_ms});
    std::ifstream in(report);
    std::stringstream text;
    text << in.rdbuf();
    INFO("stdout: " << simulated.result.out << "\nstderr: " << simulated.result.err);
    REQUIRE(!text.str().empty());
    simulated.report = parse_json(text.str());
    return simulated;
}

}  // namespace xiaozhi::testing
