// `xiaozhi ota-push`: change what devices are told (remote layer, firmware), checked and verified.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace xiaozhi::cli {

struct OtaPushOptions {
    std::string server;
    std::string token;
    std::string ca_file;
    bool insecure = false;
    std::vector<std::string> assignments;
    std::vector<std::string> removals;
    std::string file;
    std::string message;
    std::string author;
    std::string expect_revision;
    std::string confirm_within;
    bool force = false;
    bool dry_run = false;
    std::string fail_on = "error";
    bool verify = true;
    bool no_probe = false;
    std::string rollback;
    bool history = false;
    std::string firmware;
    std::string model;
    std::string version;
    bool no_image_check = false;
    std::string timeout = "10s";
    std::string verify_timeout = "10s";
    std::string format = "text";
    CLI::Option* rollback_option = nullptr;  // to tell `--rollback` from its absence
};

// Registers the subcommand and its options on `app`.
CLI::App* add_ota_push(CLI::App& app, OtaPushOptions& options);

// Runs it; returns the exit code.
int run_ota_push(const OtaPushOptions& options);

}  // namespace xiaozhi::cli
