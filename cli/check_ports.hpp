// `xiaozhi check-ports`: check a deployment's ports and advertised URLs before it runs.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "config_inputs.hpp"

namespace xiaozhi::cli {

struct CheckPortsOptions {
    ConfigInputs inputs;
    std::string format = "text";
    std::string fail_on = "error";
    std::string runtime;  // empty: decided by the layout of the inputs
    bool no_probe = false;
    std::string host_snapshot;  // read instead of probing; empty when not given
    std::string dump_host;      // where to write the snapshot used; empty when not given
    std::string now;            // --now: the UTC time certificates are judged at; empty: now
    bool show_secrets = false;
    // --fleet: etcd members (http:// URLs) whose registry the fleet rules read; empty: none.
    std::vector<std::string> fleet;
};

// Registers the subcommand and its options on `app`.
CLI::App* add_check_ports(CLI::App& app, CheckPortsOptions& options);

// Loads, models, analyses and reports; returns the exit code. Throws config::InputError.
int run_check_ports(const CheckPortsOptions& options);

}  // namespace xiaozhi::cli
