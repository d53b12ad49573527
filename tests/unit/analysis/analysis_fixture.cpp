// Test support for the analysis rules: deployments from YAML text, hand-made host snapshots.
#include "analysis_fixture.hpp"

#include <algorithm>
#include <optional>

#include "analysis/deployments.hpp"
#include "analysis/tls_files.hpp"
#include "config/parse.hpp"

namespace xiaozhi::analysis::testing {

namespace {

std::string file_name(std::size_t index) {
    if (index == 0) return "config.yaml";
    if (index == 1) return "data/.config.yaml";
    return "override-" + std::to_string(index) + ".yaml";
}

}  // namespace

std::vector<Finding> Deployment::findings() const {
    return analyze(
        Inputs{effective, model, host, read_tls_files(model, host), judgement_time(host)});
}

std::vector<Finding> Deployment::findings(std::string_view rule) const {
    return of_rule(findings(), rule);
}

std::vector<Finding> of_rule(const std::vector<Finding>& findings, std::string_view rule) {
    std::vector<Finding> selected;
    std::copy_if(findings.begin(), findings.end(), std::back_inserter(selected),
                 [rule](const Finding& finding) { return finding.rule == rule; });
    return selected;
}

Deployment deployment(const DeploymentSpec& spec) {
    std::vector<config::Layer> layers{config::defaults_layer()};
    for (std::size_t i = 0; i < spec.files.size(); ++i) {
        std::string name = file_name(i);
        config::Document document =
            config::parse_document(spec.files[i], config::Syntax::yaml, name);
        layers.push_back(config::Layer{config::LayerKind::file,
                                       name,
                                       std::move(document.tree),
                                       {},
                                       std::move(document.duplicate_keys)});
    }
    std::optional<config::ComposeProject> compose;
    if (!spec.compose.empty()) {
        compose = config::ComposeProject{
            "docker-compose.yml",
            {config::ComposeFile{
                "docker-compose.yml",
                config::parse_text(spec.compose, config::Syntax::yaml, "docker-compose.yml"),
                {}}}};
    }
    Deployment result{config::Effective::merge(layers), {}, spec.host};
    result.model =
        deploy::build_model(result.effective, compose ? &*compose : nullptr, spec.runtime);
    return result;
}

Deployment deployment(const std::string& yaml, deploy::Runtime runtime) {
    DeploymentSpec spec;
    spec.files = {yaml};
    spec.runtime = runtime;
    return deployment(spec);
}

host::Snapshot probed_host() {
    host::Snapshot host;
    host.probed = true;
    host.addresses = {"127.0.0.1", "::1", "192.168.1.20"};
    return host;
}

host::Socket held(int port, std::string address, int pid, std::string command,
                  deploy::Transport transport) {
    host::Socket socket;
    socket.transport = transport;
    socket.address = std::move(address);
    socket.port = port;
    socket.pid = pid;
    socket.command = std::move(command);
    return socket;
}

deploy::Listener listener(std::string service, std::string address, int port, int line,
                          deploy::Transport transport) {
    deploy::Listener result;
    result.service = std::move(service);
    result.transport = transport;
    result.address = std::move(address);
    result.port = port;
    result.key = "server.port";
    result.origin = config::Origin{"file", config::Position{"model.yaml", line, 3}};
    return result;
}

std::vector<Finding> model_findings(const deploy::Model& model, std::string_view rule,
                                    const host::Snapshot& host) {
    config::Effective effective = config::Effective::merge({config::defaults_layer()});
    return of_rule(analyze(Inputs{effective, model, host}), rule);
}

std::vector<Finding> fixture_findings(const std::string& name, deploy::Runtime runtime) {
    config::LoadOptions options;
    options.paths = {std::string(XIAOZHI_FIXTURES) + "/" + name};
    config::Loaded loaded = config::load(options);
    return analyze_deployments(loaded, runtime, host::Snapshot{});
}

}  // namespace xiaozhi::analysis::testing
