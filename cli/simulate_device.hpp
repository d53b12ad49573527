// `xiaozhi simulate-device`: many simulated devices against a deployment, with a report and SLOs.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "config_inputs.hpp"

namespace xiaozhi::cli {

struct SimulateDeviceOptions {
    ConfigInputs inputs;  // a deployment folder or config: the OTA URL comes from it
    std::string ota_url;
    std::string ws_url;
    std::string token;
    std::string ca_file;
    bool insecure = false;
    std::uint32_t devices = 1;
    std::string ramp = "0";
    double rate = 0;
    std::string duration = "0";
    int turns = -1;  // -1: 1, or unlimited when --duration is given
    bool idle = false;
    std::string mode = "manual";
    int protocol = 0;  // 0: as the OTA answer says, else 1
    std::string audio_file;
    std::string utterance = "1.8s";
    int frame_duration = 60;
    std::string pause = "1s";
    double abort_rate = 0;
    bool verify_audio = false;
    std::uint64_t seed = 1;
    std::string hello_timeout = "10s";
    std::string reply_timeout = "30s";
    int threads = 0;
    std::string report_file;
    std::vector<std::string> slos;
    std::string board = "bread-compact-wifi";
    std::string firmware_version = "1.0.0";
};

// Registers the subcommand and its options on `app`.
CLI::App* add_simulate_device(CLI::App& app, SimulateDeviceOptions& options);

// Runs the devices and reports; returns the exit code. Throws config::InputError.
int run_simulate_device(const SimulateDeviceOptions& options);

}  // namespace xiaozhi::cli
