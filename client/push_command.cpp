// The ota-push actions: config push, rollback, history and firmware upload.
#include "push_command.hpp"

#include <array>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "admin_client.hpp"
#include "analysis/deployments.hpp"
#include "analysis/port_fallback.hpp"
#include "config/diff.hpp"
#include "config/input_error.hpp"
#include "config/parse.hpp"
#include "deploy/model.hpp"
#include "deploy/url.hpp"
#include "host/linux_probe.hpp"
#include "protocol/crypto.hpp"
#include "push_report.hpp"
#include "push_rules.hpp"
#include "remote_change.hpp"
#include "server_layers.hpp"
#include "verification.hpp"

namespace xiaozhi::client {

namespace {

using Json = nlohmann::json;

std::string quoted(const std::string& revision) {
    return "\"" + revision + "\"";
}

std::string unquoted(std::string etag) {
    if (etag.starts_with("W/")) etag.erase(0, 2);
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
        etag = etag.substr(1, etag.size() - 2);
    }
    return etag;
}

std::string joined(const Json& list) {
    std::string text;
    if (!list.is_array()) return text;
    for (const auto& item : list) {
        if (!item.is_string()) continue;
        if (!text.empty()) text += ", ";
        text += item.get<std::string>();
    }
    return text;
}

class Pusher {
  public:
    Pusher(const PushOptions& options, const ServerAddress& server, PushReport& report,
           std::ostream& err)
        : options_(options),
          client_(server, options.token, options.timeout, options.trust),
          report_(report),
          err_(err) {}

    int run() {
        report_.set("server", client_.server().url());
        if (options_.history) return history();
        if (!options_.firmware.empty()) return firmware();
        if (options_.rollback) return rollback();
        return push();
    }

  private:
    // --- shared steps ---------------------------------------------------------------------

    config::Loaded server_config() {
        const HttpCall call = admin_call("GET", "config");
        const HttpAnswer answer = client_.expect(call);
        try {
            return loaded_from_config_json(client_.json_of(call, answer),
                                           client_.server().url() + "/xiaozhi/admin/config");
        } catch (const std::invalid_argument& error) {
            throw PushFailure(exit_failure, error.what());
        }
    }

    // This machine's sockets when the server runs here, with the server's own ports as
    // held by itself; an empty snapshot (host rules quiet) otherwise.
    host::Snapshot local_snapshot(const config::Effective& server_config) {
        if (!options_.probe) return {};
        host::Snapshot snapshot = host::probe_linux({});
        const std::string& host = client_.server().host;
        if (!deploy::is_loopback(host) && !snapshot.is_local_address(host)) {
            report_.step("The server is not on this machine: its ports are checked by the server.");
            return {};
        }
        HttpCall call;
        call.target = "/healthz";
        const HttpAnswer answer = client_.send(call, false);
        const Json health = answer.status == 200 ? client_.json_of(call, answer) : Json::object();
        const int pid = health.is_object() ? health.value("pid", 0) : 0;
        if (pid <= 0) return snapshot;
        std::vector<int> own_ports;
        const Json ports = health.value("ports", Json::object());
        for (const auto& [name, port] : ports.items()) {
            if (port.is_number_integer()) own_ports.push_back(port.get<int>());
        }
        for (auto& socket : snapshot.sockets) {
            const bool own =
                std::find(own_ports.begin(), own_ports.end(), socket.port) != own_ports.end();
            if (socket.pid == 0 && own) socket.pid = pid;
        }
        const std::string state_dir =
            server_config.get_string("server.state_dir").value_or("data/state");
        snapshot.instances.push_back(host::Instance{pid, state_dir, {}});
        return snapshot;
    }

    std::vector<analysis::Finding> analyze(const config::Loaded& loaded,
                                           const host::Snapshot& snapshot) {
        auto findings = analysis::analyze_deployments(loaded, deploy::Runtime::xiaozhi, snapshot);
        analysis::soften_for_port_fallback(findings, loaded.effective);
        return findings;
    }

    Headers note_headers() const {
        // In a fleet the answer waits up to 10 s for every instance to report the revision.
        Headers headers = {{"X-Xiaozhi-Author", options_.author}, {"X-Xiaozhi-Wait", "10"}};
        if (!options_.message.empty()) headers.emplace_back("X-Xiaozhi-Message", options_.message);
        if (options_.confirm_within) {
            headers.emplace_back("X-Confirm-Within",
                                 confirm_within_header(*options_.confirm_within));
        }
        return headers;
    }

    // Shows the server's findings of a refusal (409) or a success (warnings, infos).
    void server_findings(const Json& answer, const std::string& heading) {
        if (!answer.is_object() || !answer.contains("findings")) return;
        const auto findings = findings_from_json(answer["findings"]);
        if (findings.empty() && !report_.json()) return;
        report_.findings(heading, findings, "server_findings");
    }

    // A PUT or rollback refused: the server's findings (409) or what changed meanwhile (412).
    [[noreturn]] void refused(const PushFailure& failure) {
        const Json& answer = failure.answer();
        server_findings(answer, "The server refused it:");
        if (answer.is_object() && answer.contains("changed_keys")) {
            const std::string keys = joined(answer["changed_keys"]);
            report_.set("changed_keys", answer["changed_keys"]);
            throw PushFailure(failure.exit_code(),
                              std::string(failure.what()) + "; changed meanwhile: " +
                                  (keys.empty() ? std::string("no key in net (a change and its "
                                                              "rollback)")
                                                : keys) +
                                  "; nothing was overwritten, read the server again and retry");
        }
        throw PushFailure(failure.exit_code(),
                          std::string(failure.what()) + "; nothing was changed");
    }

    // Verification after a change that made `revision` current over `previous`; on failure
    // `previous` is restored. The exit code.
    // The instances of a fleet as the accepted change's answer lists them, each reported;
    // `problem` says which did not apply it (refused it, or had not reported it).
    std::vector<FleetInstance> fleet_instances(const Json& accepted, std::string& problem) {
        std::vector<FleetInstance> applied;
        const Json instances = accepted.value("instances", Json());
        if (!instances.is_array()) return applied;
        report_.set("instances", instances);
        for (const Json& instance : instances) {
            const std::string id = instance.value("instance", std::string{});
            const std::string url = instance.value("websocket_url", std::string{});
            const std::string outcome = instance.value("outcome", std::string{});
            const std::string reason = instance.value("reason", std::string{});
            report_.step("Fleet instance " + id + " (" + url + "): " + outcome +
                         (reason.empty() ? "" : ": " + reason) + ".");
            if (outcome == "applied") {
                applied.push_back({id, url});
            } else if (outcome != "superseded" && problem.empty()) {
                problem = "fleet instance " + id + " " +
                          (outcome == "refused" ? "refused it: " + reason
                                                : std::string("did not report it in time"));
            }
        }
        return applied;
    }

    int verify_and_confirm(const config::Effective& before, const config::Effective& after,
                           const std::string& revision, const std::string& previous,
                           const Json& accepted) {
        std::string fleet_problem;
        const std::vector<FleetInstance> instances = fleet_instances(accepted, fleet_problem);
        if (!fleet_problem.empty()) {
            restore(previous, revision, "revision " + revision + " did not reach every instance");
            report_.error("revision " + revision + " did not reach every instance (" +
                          fleet_problem + "); revision " + previous + " was restored");
            return exit_refused;
        }
        if (const auto port = moved_http_port(before, after, client_.server().port)) {
            client_.move_to_port(*port);
            report_.step("The server's HTTP listener moved to " + client_.server().url() + ".");
        }
        Verification verification;
        if (options_.verify) {
            verification = verify_device_path(client_, expected_websocket(before, after),
                                              options_.verify_timeout, instances);
        }
        report_.set("verification", verification.to_json());
        if (verification.status == Verification::Status::failed) {
            report_.step("Verification failed: " + verification.error);
            restore(previous, revision, "verification of revision " + revision + " failed");
            const int code = verification.server_unreachable ? exit_failure : exit_refused;
            report_.error("verification of revision " + revision + " failed (" +
                          verification.error + "); revision " + previous + " was restored");
            return code;
        }
        if (verification.status == Verification::Status::passed) {
            std::string line =
                "Verified as a device: the OTA answer hands out " + verification.websocket_url;
            if (!verification.session_id.empty()) {
                line += "; the server answered hello (session " + verification.session_id + ")";
            }
            if (!verification.note.empty()) line += "; " + verification.note;
            report_.step(line + ".");
        } else {
            report_.step("Not verified (--no-verify).");
        }
        if (options_.confirm_within) {
            client_.expect(admin_call("POST", "confirm/" + revision));
            report_.set("confirmed", true);
            report_.step("Confirmed revision " + revision + ".");
        }
        return 0;
    }

    // Rolls back to `target` over `current`; throws PushFailure (exit 3) when that fails.
    void restore(const std::string& target, const std::string& current, const std::string& why) {
        HttpCall call = admin_call("POST", "rollback/" + target);
        call.headers = {{"If-Match", quoted(current)},
                        {"X-Xiaozhi-Author", options_.author},
                        {"X-Xiaozhi-Message", "ota-push: " + why}};
        try {
            const HttpAnswer answer = client_.expect(call);
            const std::string restored = unquoted(answer.header("ETag"));
            report_.set("restored", Json{{"revision", restored}, {"restores", target}});
            report_.step("Restored revision " + target + " (as revision " + restored + ").");
        } catch (const PushFailure& failure) {
            std::string text =
                "the automatic rollback to revision " + target + " failed: " + failure.what();
            if (options_.confirm_within) {
                text += "; the server reverts revision " + current +
                        " by itself when its confirm time runs out";
            }
            throw PushFailure(exit_failure, text);
        }
    }

    // --- actions --------------------------------------------------------------------------

    int push() {
        const HttpCall get_remote = admin_call("GET", "remote");
        const HttpAnswer remote = client_.expect(get_remote);
        const std::string base = unquoted(remote.header("ETag"));
        const config::Node current = config::parse_text(
            remote.body, config::Syntax::json, client_.server().url() + "/xiaozhi/admin/remote");
        const config::Loaded before = server_config();
        const config::Node tree = changed_tree(current, options_.change);
        std::optional<config::Layer> layer;
        if (!tree.entries.empty()) {
            layer = remote_layer_of(tree, before.remote_is_management_api);
        }
        const config::Loaded after = config::with_remote_layer(before, layer);
        report_.set("revision", Json{{"from", base}, {"to", nullptr}});
        report_.diff("Changes to the effective configuration of " + client_.server().url() +
                         " (remote layer, revision " + base + "):",
                     config::diff(before.effective, after.effective, {}));
        const std::vector<analysis::Finding> findings =
            analyze(after, local_snapshot(before.effective));
        report_.findings("Findings with the change applied:", findings);

        if (config::same_value(current, tree)) {
            report_.step("The remote layer already holds this change: nothing to push.");
            return 0;
        }
        const Gate gate = gate_findings(findings, options_.fail_on, options_.force);
        if (gate.stop) {
            report_.error("not pushed: " + gate.reason +
                          " (--force sends it anyway; the server still refuses errors)");
            return exit_refused;
        }
        if (options_.dry_run) {
            report_.step("Dry run: nothing was sent.");
            return analysis::any_at_or_above(findings, options_.fail_on) ? exit_refused : 0;
        }
        HttpCall put = admin_call("PUT", "remote");
        put.headers = note_headers();
        put.headers.emplace_back("If-Match", quoted(options_.expect_revision.value_or(base)));
        put.headers.emplace_back("Content-Type", "application/json");
        put.body = layer_body(tree);
        Json accepted;
        try {
            accepted = client_.json_of(put, client_.expect(put, 200));
        } catch (const PushFailure& failure) {
            refused(failure);
        }
        const std::string revision = accepted.value("revision", std::string{});
        report_.set("revision", Json{{"from", base}, {"to", revision}});
        report_.step("Pushed revision " + revision + " (was " + base + ")" +
                     (options_.confirm_within ? ", to be confirmed within " +
                                                    confirm_within_header(*options_.confirm_within)
                                              : std::string{}) +
                     ".");
        const std::string shadowed = joined(accepted.value("shadowed_keys", Json::array()));
        if (!shadowed.empty()) {
            report_.step("Note: the server's environment or --set overrides " + shadowed +
                         ": the pushed value takes no effect there.");
        }
        return verify_and_confirm(before.effective, after.effective, revision, base, accepted);
    }

    int rollback() {
        const HttpCall get_history = admin_call("GET", "history");
        const Json history = client_.json_of(get_history, client_.expect(get_history));
        const std::string current = history.value("current_revision", std::string("0"));
        std::string target;
        if (options_.rollback_to) {
            target = std::to_string(*options_.rollback_to);
        } else {
            for (const auto& revision : history.value("revisions", Json::array())) {
                if (revision.value("revision", std::string{}) == current) {
                    target = revision.value("previous", std::string{});
                }
            }
            if (target.empty()) {
                throw PushFailure(exit_input, "revision " + current +
                                                  " has no previous revision kept to roll back "
                                                  "to; name one (see --history)");
            }
        }
        report_.set("revision", Json{{"from", current}, {"to", nullptr}});
        if (target == current) {
            report_.step("Revision " + target + " is already current: nothing to roll back.");
            return 0;
        }
        const config::Loaded before = server_config();
        HttpCall call = admin_call("POST", "rollback/" + target);
        call.headers = note_headers();
        call.headers.emplace_back("If-Match", quoted(current));
        Json accepted;
        try {
            accepted = client_.json_of(call, client_.expect(call, 200));
        } catch (const PushFailure& failure) {
            refused(failure);
        }
        const std::string revision = accepted.value("revision", std::string{});
        report_.set("revision", Json{{"from", current}, {"to", revision}, {"restores", target}});
        const config::Loaded after = server_config();
        report_.diff("Changes to the effective configuration of " + client_.server().url() +
                         " (rollback to revision " + target + "):",
                     config::diff(before.effective, after.effective, {}));
        server_findings(accepted, "The server's findings:");
        report_.step("Rolled back to revision " + target + " as revision " + revision + " (was " +
                     current + ").");
        return verify_and_confirm(before.effective, after.effective, revision, current, accepted);
    }

    int history() {
        const HttpCall call = admin_call("GET", "history");
        const Json body = client_.json_of(call, client_.expect(call));
        report_.set("history", body);
        std::vector<std::array<std::string, 5>> rows = {
            {"REV", "TIME", "KIND", "AUTHOR: MESSAGE", "KEYS CHANGED"}};
        for (const auto& revision : body.value("revisions", Json::array())) {
            std::string number = revision.value("revision", std::string{});
            if (revision.value("current", false)) number += "*";
            std::string kind = revision.value("kind", std::string{});
            if (revision.contains("restores") && revision["restores"].is_string()) {
                kind += " of " + revision["restores"].get<std::string>();
            }
            std::string note = revision.value("author", std::string{});
            const std::string message = revision.value("message", std::string{});
            if (!message.empty()) note += (note.empty() ? "" : ": ") + message;
            const std::string keys = joined(revision.value("changed_keys", Json::array()));
            rows.push_back({number, revision.value("time", std::string{}), kind, note,
                            keys.empty() ? "(none)" : keys});
        }
        std::array<std::size_t, 5> widths{};
        for (const auto& row : rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                widths[i] = std::max(widths[i], row[i].size());
            }
        }
        std::ostringstream table;
        for (const auto& row : rows) {
            for (std::size_t i = 0; i + 1 < row.size(); ++i) {
                table << std::left << std::setw(static_cast<int>(widths[i] + 2)) << row[i];
            }
            table << row.back() << '\n';
        }
        table << "current revision: " << body.value("current_revision", std::string("0"))
              << " (*)\n";
        report_.text(table.str());
        return 0;
    }

    int firmware() {
        const std::string problem = firmware_problem(options_.firmware, options_.model,
                                                     options_.version, options_.image_check);
        if (!problem.empty()) throw PushFailure(exit_input, problem);
        std::error_code error;
        const std::uint64_t size = std::filesystem::file_size(options_.firmware, error);
        const auto digest = protocol::sha256_file(options_.firmware);
        if (error || !digest) throw PushFailure(exit_input, "cannot read " + options_.firmware);
        const std::string sha256 = protocol::hex_encode(*digest);
        HttpCall put = admin_call("PUT", "firmware/" + options_.model + "/" + options_.version);
        put.body_file = options_.firmware;
        put.headers = {{"X-Content-SHA256", sha256}, {"Content-Type", "application/octet-stream"}};
        if (!options_.image_check) put.headers.emplace_back("X-No-Image-Check", "1");
        if (options_.progress) put.progress = progress_printer(err_);
        const HttpAnswer answer = client_.expect(put, 201);
        if (options_.progress) err_ << '\n';
        const Json stored = client_.json_of(put, answer);
        report_.set("upload", stored);
        if (stored.value("sha256", std::string{}) != sha256 ||
            stored.value("size", std::uint64_t{0}) != size) {
            throw PushFailure(exit_failure, client_.server().url() + " stored " + stored.dump() +
                                                ", not the " + std::to_string(size) +
                                                " bytes with SHA-256 " + sha256 + " sent");
        }
        report_.step("Uploaded " + options_.firmware + " as " +
                     stored.value("file", std::string{}) + " (" + std::to_string(size) +
                     " bytes, SHA-256 " + sha256 + ").");
        if (!options_.verify) {
            report_.step("Not verified (--no-verify).");
            return 0;
        }
        const FirmwareOffer offer = verify_firmware_offer(client_, options_.model, options_.version,
                                                          size, options_.timeout);
        report_.set("verification", offer.to_json());
        if (offer.status != Verification::Status::passed) {
            report_.error("verification failed: " + offer.error);
            return offer.server_unreachable ? exit_failure : exit_refused;
        }
        report_.step("Verified as a " + options_.model + " device running " + offer.device_version +
                     ": offered " + offer.offered_version + " at " + offer.url +
                     " (Content-Length " + std::to_string(offer.content_length) + ").");
        return 0;
    }

    static std::function<void(std::uint64_t, std::uint64_t)> progress_printer(std::ostream& err) {
        return [&err, last = -1](std::uint64_t sent, std::uint64_t total) mutable {
            const int percent = static_cast<int>(sent * 100 / total);
            if (percent == last) return;
            last = percent;
            err << "\ruploading: " << percent << "% (" << sent << " of " << total << " bytes)"
                << std::flush;
        };
    }

    const PushOptions& options_;
    AdminClient client_;
    PushReport& report_;
    std::ostream& err_;
};

}  // namespace

int run_ota_push(const PushOptions& options, std::ostream& out, std::ostream& err) {
    PushReport report(out, err, options.json, options.color);
    int code = exit_failure;
    try {
        std::string error;
        const std::optional<ServerAddress> server = parse_server_address(options.server, error);
        if (!server) throw PushFailure(exit_input, error);
        if (options.token.empty()) {
            throw PushFailure(exit_input,
                              "no admin token: pass --token or set XIAOZHI_ADMIN_TOKEN (the "
                              "server's server.admin_token)");
        }
        Pusher pusher(options, *server, report, err);
        code = pusher.run();
    } catch (const PushFailure& failure) {
        report.error(failure.what());
        code = failure.exit_code();
    } catch (const config::InputError& failure) {
        report.error(failure.what());
        code = exit_input;
    } catch (const std::exception& failure) {
        report.error(failure.what());
        code = exit_failure;
    }
    report.finish();
    return code;
}

}  // namespace xiaozhi::client
