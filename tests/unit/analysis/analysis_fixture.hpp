// Test support for the analysis rules: deployments from YAML text, hand-made host snapshots.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyze.hpp"
#include "config/load.hpp"
#include "deploy/model.hpp"
#include "host/snapshot.hpp"

namespace xiaozhi::analysis::testing {

// One deployment to analyse: the defaults layer plus YAML files (read as file_layer reads
// them, repeated keys recorded), a model and a host. Its certificate files are read as
// analyze_deployments reads them, judged at the host's time (else now).
struct Deployment {
    config::Effective effective;
    deploy::Model model;
    host::Snapshot host;

    std::vector<Finding> findings() const;
    // Findings of one rule only.
    std::vector<Finding> findings(std::string_view rule) const;
};

struct DeploymentSpec {
    std::vector<std::string>
        files;  // YAML texts, lowest precedence first (config.yaml, data/.config.yaml)
    deploy::Runtime runtime = deploy::Runtime::python;
    std::string compose;  // docker-compose.yml text, empty for none
    host::Snapshot host;
};

// Files are named config.yaml, then data/.config.yaml, then override-N.yaml.
Deployment deployment(const DeploymentSpec& spec);
Deployment deployment(const std::string& yaml, deploy::Runtime runtime = deploy::Runtime::python);

// A probed host with loopback and 192.168.1.20, nothing listening, Linux default ranges.
host::Snapshot probed_host();

// A socket held on the host.
host::Socket held(int port, std::string address = "0.0.0.0", int pid = 4242,
                  std::string command = "python3 app.py",
                  deploy::Transport transport = deploy::Transport::tcp);

// A listener written by hand; its origin is model.yaml at `line`.
deploy::Listener listener(std::string service, std::string address, int port, int line = 1,
                          deploy::Transport transport = deploy::Transport::tcp);

// Findings of `rule` for a hand-made model over the built-in defaults.
std::vector<Finding> model_findings(const deploy::Model& model, std::string_view rule,
                                    const host::Snapshot& host = {});

// Only the findings of `rule`.
std::vector<Finding> of_rule(const std::vector<Finding>& findings, std::string_view rule);

// The findings of a folder fixture (tests/fixtures/<name>) loaded through config::load.
std::vector<Finding> fixture_findings(const std::string& name, deploy::Runtime runtime);

}  // namespace xiaozhi::analysis::testing
