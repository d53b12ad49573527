// `xiaozhi ota-push`: options and wiring to the client engine.
#include "ota_push.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <iostream>

#include "console.hpp"
#include "exit_codes.hpp"
#include "option_values.hpp"
#include "push_command.hpp"
#include "push_rules.hpp"
#include "tls_trust.hpp"

namespace xiaozhi::cli {

namespace {

constexpr const char* description =
    "Push a change of what devices are told (remote layer or firmware) to a running serve, "
    "checked first and verified as a device";

constexpr const char* footer =
    "Before sending, the server's effective config is fetched, the change applied and the\n"
    "check-ports rules run (probing this machine when the server runs on it); the diff and\n"
    "the findings are shown. Errors stop the push. After the server accepts, ota-push acts as\n"
    "a device (OTA request, WebSocket hello) and restores the previous revision if that fails.\n"
    "The token may come from XIAOZHI_ADMIN_TOKEN; it is never printed.\n"
    "TLS: an https:// --server, and wss:// or https:// URLs the server hands out, are verified\n"
    "against the system trust store (or --ca FILE): the certificate must be valid now, issued\n"
    "by a trusted CA and cover the URL's host (an IP host must be among its IP addresses). A\n"
    "certificate the devices would refuse fails the verification and rolls the change back.\n\n"
    "Examples:\n"
    "  xiaozhi ota-push --server http://10.0.0.2:8003 --set server.port=8100\n"
    "  xiaozhi ota-push --server http://10.0.0.2:8003 --file layer.toml --confirm-within 2m\n"
    "  xiaozhi ota-push --server http://10.0.0.2:8003 --history\n"
    "  xiaozhi ota-push --server https://voice.example.net --ca ca.pem --set "
    "server.websocket_version=3\n"
    "  xiaozhi ota-push --server http://10.0.0.2:8003 --rollback\n"
    "  xiaozhi ota-push --server http://10.0.0.2:8003 --firmware fw.bin --model bread --version "
    "1.6.2\n"
    "Exit status: 0 done, 1 refused (findings, 409, 412) or verification failed (rolled back),\n"
    "2 usage or input error, 3 server unreachable or a peer failure.";

std::string default_author() {
    const char* user = std::getenv("USER");
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    std::string author = user != nullptr && *user != '\0' ? user : "ota-push";
    if (host[0] != '\0') author += std::string("@") + host;
    return author;
}

bool stderr_is_tty() {
    return ::isatty(STDERR_FILENO) == 1;
}

}  // namespace

CLI::App* add_ota_push(CLI::App& app, OtaPushOptions& options) {
    CLI::App* command = app.add_subcommand("ota-push", description);
    command->footer(footer);
    command
        ->add_option("--server", options.server,
                     "The server's HTTP base URL, where its OTA endpoint and admin API answer, "
                     "e.g. http://10.0.0.2:8003 or https://voice.example.net (required)")
        ->type_name("URL")
        ->required();
    command
        ->add_option("--token", options.token,
                     "The admin token (server.admin_token); prefer XIAOZHI_ADMIN_TOKEN so it "
                     "stays out of shell history (default: $XIAOZHI_ADMIN_TOKEN)")
        ->type_name("TOKEN")
        ->envname("XIAOZHI_ADMIN_TOKEN");
    add_tls_trust_options(*command, options.ca_file, options.insecure);
    CLI::Option* set =
        command
            ->add_option("--set", options.assignments,
                         "Set KEY=VALUE in the remote layer, e.g. --set server.port=8100; "
                         "repeatable (default: none)")
            ->type_name("KEY=VALUE")
            ->allow_extra_args(false);
    CLI::Option* unset = command
                             ->add_option("--unset", options.removals,
                                          "Remove KEY from the remote layer; repeatable "
                                          "(default: none)")
                             ->type_name("KEY")
                             ->allow_extra_args(false);
    CLI::Option* file = takes_file(command->add_option(
        "--file", options.file,
        "Merge the layer in FILE (TOML, YAML or JSON) over the server's remote layer, before "
        "--set and --unset (default: none)"));
    CLI::Option* message = command->add_option(
        "--message", options.message,
        "Why: recorded in the server's history with the author (default: none)");
    message->type_name("TEXT");
    command
        ->add_option("--author", options.author,
                     "Who: recorded in the server's history (default: $USER@hostname)")
        ->type_name("NAME");
    CLI::Option* expect = command->add_option(
        "--expect-revision", options.expect_revision,
        "Push only if the server's remote layer is still at REVISION (sent as If-Match); "
        "otherwise the server answers 412 and nothing changes (default: the revision read "
        "before the push)");
    expect->type_name("REVISION");
    CLI::Option* confirm = command->add_option(
        "--confirm-within", options.confirm_within,
        "Commit confirmed: the server reverts the change by itself unless ota-push confirms "
        "it within DURATION (e.g. 30s, 2m), which it does after verifying (default: no "
        "deadline)");
    confirm->type_name("DURATION");
    CLI::Option* force = command->add_flag(
        "--force", options.force,
        "Send the change despite local findings; the server still refuses errors (409) "
        "(default: errors stop the push)");
    CLI::Option* dry_run =
        command->add_flag("--dry-run", options.dry_run,
                          "Show the diff and the findings, send nothing (default: push)");
    add_choice_option(*command, "--fail-on", options.fail_on, "SEVERITY", {"error", "warning"},
                      "Findings at least this severe stop the push: error or warning "
                      "(default: error)");
    command->add_flag("--verify,!--no-verify", options.verify,
                      "After the change, act as a device: OTA request, check the address it "
                      "hands out, connect and say hello; restore the previous revision on "
                      "failure (default: --verify)");
    command->add_flag("--no-probe", options.no_probe,
                      "Do not look at this machine's sockets, even when the server runs here "
                      "(default: probe when the server is on this machine)");
    options.rollback_option =
        command
            ->add_option("--rollback", options.rollback,
                         "Restore a kept revision as a new one, checked and verified like a "
                         "push (default REVISION: the one before the current)")
            ->type_name("[REVISION]")
            ->expected(0, 1);
    CLI::Option* history = command->add_flag(
        "--history", options.history,
        "List the kept revisions: time, author and message, keys changed (default: off)");
    CLI::Option* firmware = takes_file(command->add_option(
        "--firmware", options.firmware,
        "Upload FILE to the server's firmware store as <model>_<version>.bin, then check that a "
        "device of that model with a lower version is offered it (needs --model, --version)"));
    CLI::Option* model =
        command->add_option("--model", options.model,
                            "The device model (board type) of --firmware, e.g. bread-compact-wifi");
    model->type_name("MODEL");
    CLI::Option* version = command->add_option(
        "--version", options.version, "The dotted numeric version of --firmware, e.g. 1.6.2");
    version->type_name("VERSION");
    CLI::Option* no_image_check = command->add_flag(
        "--no-image-check", options.no_image_check,
        "Upload a file that does not start with the ESP32 image magic byte 0xE9 (default: "
        "refuse it)");
    command
        ->add_option("--timeout", options.timeout,
                     "Longest wait for each HTTP step: connect, send, answer (default: 10s)")
        ->type_name("DURATION");
    command
        ->add_option("--verify-timeout", options.verify_timeout,
                     "Longest wait for the WebSocket connection and the server's hello during "
                     "verification (default: 10s)")
        ->type_name("DURATION");
    add_choice_option(*command, "--format", options.format, "FORMAT", {"text", "json"},
                      "Output format: text, or one JSON document with the diff, the findings, "
                      "the revision and the verification (default: text)");

    firmware->needs(model)->needs(version);
    model->needs(firmware);
    version->needs(firmware);
    no_image_check->needs(firmware);
    for (CLI::Option* change : {set, unset, file}) {
        change->excludes(history)->excludes(options.rollback_option)->excludes(firmware);
    }
    for (CLI::Option* push_only : {dry_run, force, expect}) {
        push_only->excludes(history)->excludes(options.rollback_option)->excludes(firmware);
    }
    history->excludes(options.rollback_option)->excludes(firmware)->excludes(confirm);
    options.rollback_option->excludes(firmware);
    confirm->excludes(firmware);
    return command;
}

int run_ota_push(const OtaPushOptions& options) {
    client::PushOptions push;
    push.server = options.server;
    push.token = options.token;
    push.trust = client::TlsTrust{options.ca_file, options.insecure};
    const auto timeout = client::parse_duration(options.timeout);
    const auto verify_timeout = client::parse_duration(options.verify_timeout);
    if (!timeout || !verify_timeout) {
        return usage_error("ota-push",
                           "--timeout and --verify-timeout take a duration like 10s, "
                           "500ms or 2m");
    }
    push.timeout = *timeout;
    push.verify_timeout = *verify_timeout;
    if (!options.confirm_within.empty()) {
        push.confirm_within = client::parse_duration(options.confirm_within);
        if (!push.confirm_within) {
            return usage_error("ota-push",
                               "--confirm-within takes a duration like 30s or 2m (at most 24h), "
                               "not " +
                                   options.confirm_within);
        }
    }
    push.change.file = options.file;
    push.change.assignments = options.assignments;
    push.change.removals = options.removals;
    push.message = options.message;
    push.author = options.author.empty() ? default_author() : options.author;
    if (!options.expect_revision.empty()) push.expect_revision = options.expect_revision;
    push.force = options.force;
    push.dry_run = options.dry_run;
    push.fail_on =
        options.fail_on == "warning" ? analysis::Severity::warning : analysis::Severity::error;
    push.verify = options.verify;
    push.probe = !options.no_probe;
    push.history = options.history;
    push.rollback = options.rollback_option != nullptr && options.rollback_option->count() > 0;
    if (push.rollback && !options.rollback.empty()) {
        std::uint64_t revision = 0;
        const auto [end, error] = std::from_chars(
            options.rollback.data(), options.rollback.data() + options.rollback.size(), revision);
        if (error != std::errc{} || end != options.rollback.data() + options.rollback.size()) {
            return usage_error("ota-push",
                               "--rollback takes a revision number, not " + options.rollback);
        }
        push.rollback_to = revision;
    }
    push.firmware = options.firmware;
    push.model = options.model;
    push.version = options.version;
    push.image_check = !options.no_image_check;
    push.json = options.format == "json";
    push.color = !push.json && stdout_wants_color();
    push.progress = !push.json && stderr_is_tty();
    if (!push.history && !push.rollback && push.firmware.empty() && push.change.empty()) {
        return usage_error("ota-push",
                           "nothing to do: give --set, --unset or --file (a config push), "
                           "--rollback, --history or --firmware");
    }
    if (push.trust.insecure) std::cerr << client::insecure_warning("ota-push") << '\n';
    return client::run_ota_push(push, std::cout, std::cerr);
}

}  // namespace xiaozhi::cli
