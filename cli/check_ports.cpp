// `xiaozhi check-ports`: options, the host snapshot to use, and the report.
#include "check_ports.hpp"

#include <filesystem>
#include <iostream>

#include "analysis/deployments.hpp"
#include "analysis/finding.hpp"
#include "analysis/tls_files.hpp"
#include "config/input_error.hpp"
#include "console.hpp"
#include "deploy/url.hpp"
#include "exit_codes.hpp"
#include "fleet/fleet_view_reader.hpp"
#include "host/linux_probe.hpp"
#include "host/snapshot.hpp"
#include "option_values.hpp"
#include "report/findings_report.hpp"
#include "report/format.hpp"
#include "runtime_choice.hpp"
#include "tls/utc_time.hpp"

namespace xiaozhi::cli {

namespace {

constexpr const char* description =
    "Check a deployment's listeners, ports and advertised URLs before it runs";

constexpr const char* footer =
    "Reads config files or xiaozhi-server folders as the reference server does (config.yaml,\n"
    "then data/.config.yaml; with manager-api.url set in data/.config.yaml, config.yaml is not\n"
    "read and the address devices get is the management console's), then --remote,\n"
    "XIAOZHI_SECTION__KEY variables and --set. A folder's compose files are projects as\n"
    "docker compose sees them: the default file with its override, and each other\n"
    "*compose*.yml alone; every finding names the projects it is about. Only text with\n"
    "'你的' is the template the server replaces by an address it derives.\n\n"
    "Examples:\n"
    "  xiaozhi check-ports                                  # the config of the current folder\n"
    "  xiaozhi check-ports ./xiaozhi-server --format sarif > ports.sarif\n"
    "  xiaozhi check-ports ./xiaozhi-server --compose docker-compose_all.yml\n"
    "  xiaozhi check-ports ./xiaozhi-server --no-compose    # run on the host from source\n"
    "  xiaozhi check-ports xiaozhi.toml --set server.port=8100 --no-probe\n"
    "  xiaozhi check-ports xiaozhi.toml --fleet http://10.0.0.5:2379   # against the fleet\n"
    "Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error, "
    "3 runtime failure.";

// server.state_dir, relative to the folder of the first input: where a running serve
// records its ports.
std::string state_dir_of(const config::Loaded& loaded, const std::string& first_input) {
    namespace fs = std::filesystem;
    const std::string state_dir =
        loaded.effective.get_string("server.state_dir").value_or("data/state");
    std::error_code error;
    fs::path base = fs::is_directory(first_input, error) ? fs::path(first_input)
                                                         : fs::path(first_input).parent_path();
    if (base.empty()) base = ".";
    return (base / state_dir).lexically_normal().string();
}

host::Snapshot host_snapshot(const CheckPortsOptions& options, const config::Loaded& loaded,
                             const std::string& first_input) {
    if (!options.host_snapshot.empty()) return host::read_snapshot_file(options.host_snapshot);
    if (options.no_probe) return host::Snapshot{};
    host::ProbeOptions probe;
    probe.state_dirs.push_back(state_dir_of(loaded, first_input));
    return host::probe_linux(probe);
}

// The registry of the configuration's fleet, read from the members of --fleet. Throws
// config::InputError for a URL that is not http://, std::runtime_error when no member answers.
analysis::FleetView fleet_view(const std::vector<std::string>& members,
                               const config::Loaded& loaded) {
    server::EtcdClient::Options etcd;
    etcd.user = loaded.effective.get_string("fleet.user").value_or("");
    etcd.password = loaded.effective.get_string("fleet.password").value_or("");
    for (const std::string& member : members) {
        deploy::UrlError problem;
        const auto url = deploy::parse_url(member, &problem);
        if (!url || url->scheme != "http") {
            throw config::InputError(config::Position{"--fleet " + member, 0, 0},
                                     "--fleet expects an etcd member as an http:// URL");
        }
        etcd.endpoints.push_back(*url);
    }
    const std::string name = loaded.effective.get_string("fleet.name").value_or("default");
    std::string self = loaded.effective.get_string("fleet.instance").value_or("");
    if (self.empty()) {
        self = server::this_host_name() + ":" +
               std::to_string(loaded.effective.get_int("server.port").value_or(8000));
    }
    server::EtcdClient client(etcd);
    try {
        return server::read_fleet_view(client, name, self, server::this_host_name());
    } catch (const server::EtcdUnavailable& error) {
        throw std::runtime_error("--fleet: " + std::string(error.what()));
    } catch (const server::EtcdAuthFailed& error) {
        throw std::runtime_error("--fleet: " + std::string(error.what()));
    }
}

}  // namespace

CLI::App* add_check_ports(CLI::App& app, CheckPortsOptions& options) {
    CLI::App* command = app.add_subcommand("check-ports", description);
    command->footer(footer);
    takes_path(command->add_option(
        "paths", options.inputs.paths,
        "Config files (YAML, TOML, JSON) or xiaozhi-server folders, lowest precedence first "
        "(default: config.yaml, xiaozhi.toml, xiaozhi.yaml or xiaozhi.json in the current "
        "folder)"));
    add_choice_option(*command, "--format", options.format, "FORMAT",
                      {"text", "json", "sarif", "junit", "github"},
                      "Output format: text, json, sarif (GitHub code scanning), junit or github "
                      "(workflow annotations) (default: text)");
    add_choice_option(*command, "--fail-on", options.fail_on, "SEVERITY", {"error", "warning"},
                      "Exit 1 when a finding is at least this severe: error or warning "
                      "(default: error)");
    add_runtime_option(*command, options.runtime);
    CLI::Option* no_probe = command->add_flag(
        "--no-probe", options.no_probe,
        "Do not look at this machine's sockets; the rules about the host stay quiet "
        "(default: probe /proc)");
    takes_file(command->add_option(
                   "--host-snapshot", options.host_snapshot,
                   "Use the host snapshot in FILE (written by --dump-host) instead of probing "
                   "this machine (default: probe /proc)"))
        ->excludes(no_probe);
    takes_file(command->add_option(
        "--dump-host", options.dump_host,
        "Write the host snapshot this run used to FILE, to replay it with --host-snapshot "
        "(default: not written)"));
    command
        ->add_option("--now", options.now,
                     "Judge certificates at TIME, UTC (2026-01-31T12:00:00Z or 2026-01-31) "
                     "(default: the host snapshot's time, else now)")
        ->type_name("TIME")
        ->check([](const std::string& text) {
            return tls::parse_utc_time(text) ? std::string()
                                             : "expected a UTC time like 2026-01-31T12:00:00Z";
        });
    command
        ->add_option("--fleet", options.fleet,
                     "Read the fleet's registry from this etcd member (http:// URL; repeat "
                     "for several) and check this configuration against the other "
                     "instances: a port one of them binds on this host, the same "
                     "server.websocket, another remote revision; the fleet is fleet.name "
                     "(default: no registry read)")
        ->type_name("URL");
    add_layer_options(*command, options.inputs);
    add_compose_options(*command, options.inputs);
    command->add_flag("--show-secrets", options.show_secrets,
                      "Accepted for symmetry with diff-config: findings never quote secret "
                      "values (default: off)");
    return command;
}

int run_check_ports(const CheckPortsOptions& options) {
    ConfigInputs inputs = options.inputs;
    if (inputs.paths.empty()) {
        inputs.paths = discover_in_current_dir("check-ports");
        if (inputs.paths.empty()) return exit_usage;
    }
    const config::Loaded loaded = config::load(load_options(inputs, true));
    const deploy::Runtime runtime = choose_runtime(options.runtime, loaded);
    host::Snapshot snapshot = host_snapshot(options, loaded, inputs.paths.front());
    if (!options.now.empty()) snapshot.time = tls::parse_utc_time(options.now);
    analysis::record_tls_files(loaded, runtime, snapshot);
    if (!options.dump_host.empty()) host::write_snapshot_file(snapshot, options.dump_host);

    std::optional<analysis::FleetView> fleet;
    if (!options.fleet.empty()) fleet = fleet_view(options.fleet, loaded);
    const std::vector<analysis::Finding> findings =
        analysis::analyze_deployments(loaded, runtime, snapshot, fleet ? &*fleet : nullptr);

    const report::Format format =
        report::parse_format(options.format).value_or(report::Format::text);
    report::FindingsContext context;
    context.inputs = inputs.paths;
    context.color = format == report::Format::text && stdout_wants_color();
    context.tool_version = XIAOZHI_VERSION;
    report::write_findings(std::cout, format, findings, context);
    if (!flush_stdout()) return exit_runtime;

    const analysis::Severity threshold =
        options.fail_on == "warning" ? analysis::Severity::warning : analysis::Severity::error;
    return analysis::any_at_or_above(findings, threshold) ? exit_findings : exit_ok;
}

}  // namespace xiaozhi::cli
