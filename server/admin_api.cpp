// The admin API's routes: remote layer revisions applied through ServerControl, history, firmware.
#include "admin_api.hpp"

#include <charconv>
#include <ctime>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "config/input_error.hpp"
#include "config/layer.hpp"
#include "config/parse.hpp"
#include "error_response.hpp"
#include "firmware_upload.hpp"
#include "log_event.hpp"
#include "remote_store.hpp"
#include "report/config_report.hpp"
#include "report/findings_report.hpp"
#include "report/json_values.hpp"

namespace xiaozhi::server {

namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::system_clock;

constexpr std::size_t kMaxNoteBytes = 200;
constexpr std::chrono::seconds kMaxConfirmWithin{24 * 3600};

std::int64_t unix_ms(Clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

// "2024-05-01T12:00:00.250Z"
std::string iso_time(std::int64_t ms) {
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    return std::string(text) + "." + std::to_string(1000 + ms % 1000).substr(1) + "Z";
}

std::string dump(const Json& json) {
    return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

HttpResponse json_answer(int status, const Json& json) {
    return json_response(status, dump(json));
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
    std::uint64_t number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return number;
}

// A header, else the query parameter; control characters removed, at most kMaxNoteBytes.
std::string note(const HttpRequest& request, std::string_view header, std::string_view parameter) {
    std::string value = request.header(header);
    if (value.empty()) value = request.query_parameter(parameter);
    std::string clean;
    for (const char c : value) {
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) clean += c;
        if (clean.size() == kMaxNoteBytes) break;
    }
    return clean;
}

// "30" or "30s", "5m", "1h": nullopt when absent; throws std::invalid_argument when malformed.
std::optional<std::chrono::seconds> confirm_within(const HttpRequest& request) {
    std::string text = request.header("X-Confirm-Within");
    if (text.empty()) text = request.query_parameter("confirm_within");
    if (text.empty()) return std::nullopt;
    std::int64_t factor = 1;
    if (text.back() == 's' || text.back() == 'm' || text.back() == 'h') {
        factor = text.back() == 'h' ? 3600 : text.back() == 'm' ? 60 : 1;
        text.pop_back();
    }
    const std::optional<std::uint64_t> count = parse_number(text);
    if (!count || *count == 0 || *count > static_cast<std::uint64_t>(kMaxConfirmWithin.count())) {
        throw std::invalid_argument("X-Confirm-Within must be a duration like 30s, 5m or 1h");
    }
    const std::chrono::seconds duration(static_cast<std::int64_t>(*count) * factor);
    if (duration > kMaxConfirmWithin) {
        throw std::invalid_argument("X-Confirm-Within must be at most 24h");
    }
    return duration;
}

// Adds "findings" and "summary" as report::write_findings writes them in JSON.
void add_findings(Json& answer, const std::vector<analysis::Finding>& findings) {
    std::ostringstream out;
    report::write_findings(out, report::Format::json, findings, report::FindingsContext{});
    Json document = Json::parse(out.str());
    answer["findings"] = std::move(document["findings"]);
    answer["summary"] = std::move(document["summary"]);
}

Json revision_json(const RemoteRevision& revision, std::uint64_t current) {
    Json json = Json::object();
    json["revision"] = RemoteStore::etag_of(revision.number);
    json["time"] = iso_time(revision.time_ms);
    json["author"] = revision.author;
    json["message"] = revision.message;
    json["kind"] = revision.kind;
    json["changed_keys"] = revision.changed_keys;
    json["previous"] = RemoteStore::etag_of(revision.previous);
    json["restores"] =
        revision.kind == "put" ? Json(nullptr) : Json(RemoteStore::etag_of(revision.restores));
    json["current"] = revision.number == current;
    json["confirm_deadline"] = revision.confirm_deadline_ms
                                   ? Json(iso_time(*revision.confirm_deadline_ms))
                                   : Json(nullptr);
    return json;
}

// The keys that changed from revision `from` (the client's) up to `current`.
std::vector<std::string> keys_changed_since(const RemoteRevisions& store, std::uint64_t from,
                                            std::uint64_t current) {
    if (from > current) return {};
    if (from == 0 || store.find(from)) return store.keys_changed_between(from, current);
    std::set<std::string> keys;
    for (const RemoteRevision& revision : store.history()) {
        if (revision.number > from)
            keys.insert(revision.changed_keys.begin(), revision.changed_keys.end());
    }
    return {keys.begin(), keys.end()};
}

// nullopt when If-Match names the current revision (or is "*"); the 428/412 answer otherwise.
std::optional<HttpResponse> precondition_failure(const HttpRequest& request,
                                                 const RemoteRevisions& store) {
    const std::string if_match = request.header("If-Match");
    const std::uint64_t current = store.current_revision();
    Json body = Json::object();
    if (if_match.empty()) {
        body["error"] = "If-Match required: send the ETag of GET /xiaozhi/admin/remote";
        body["current_revision"] = RemoteStore::etag_of(current);
        return json_answer(428, body);
    }
    if (if_match == "*") return std::nullopt;
    const std::optional<std::uint64_t> theirs = RemoteStore::parse_etag(if_match);
    if (theirs && *theirs == current) return std::nullopt;
    body["error"] = "the remote layer changed: revision " + RemoteStore::etag_of(current) +
                    " is current, not " + if_match;
    body["current_revision"] = RemoteStore::etag_of(current);
    body["your_revision"] = theirs ? Json(RemoteStore::etag_of(*theirs)) : Json(if_match);
    body["changed_keys"] =
        theirs ? keys_changed_since(store, *theirs, current) : std::vector<std::string>{};
    HttpResponse response = json_answer(412, body);
    response.set_header("ETag", "\"" + RemoteStore::etag_of(current) + "\"");
    return response;
}

// The keys of `tree` whose effective value comes from a higher layer (environment or
// --set): pushing them changes nothing until that layer goes.
std::vector<std::string> shadowed_keys(const config::Node& tree, const RunningConfig& running) {
    std::vector<std::string> keys;
    const config::Effective pushed =
        config::Effective::merge({config::Layer{config::LayerKind::remote, "", tree, {}}});
    for (const config::Entry& entry : pushed.entries()) {
        const config::Entry* effective = running.loaded.effective.entry(entry.key);
        const std::string_view remote = config::layer_kind_name(config::LayerKind::remote);
        if (effective != nullptr && effective->origin.layer != remote) keys.push_back(entry.key);
    }
    return keys;
}

// How long a push waits for the fleet's instances to report it: X-Xiaozhi-Wait or ?wait=
// in seconds, 5 by default, at most 30.
std::chrono::milliseconds fleet_wait(const HttpRequest& request) {
    std::string text = request.header("X-Xiaozhi-Wait");
    if (text.empty()) text = request.query_parameter("wait");
    if (text.empty()) return std::chrono::seconds(5);
    if (text.back() == 's') text.pop_back();
    const std::optional<std::uint64_t> seconds = parse_number(text);
    if (!seconds || *seconds > 30) {
        throw std::invalid_argument("X-Xiaozhi-Wait must be a number of seconds from 0 to 30");
    }
    return std::chrono::seconds(*seconds);
}

// Stages `tree`, applies it through the control and commits it when the control
// persists; the answer says what happened (in a fleet, on every instance).
HttpResponse apply_revision(ServerControl& control, const RemoteRevisions& store,
                            const config::Node& tree, RemoteRevision meta,
                            std::chrono::milliseconds wait) {
    const bool from_management_api = control.current()->loaded.remote_is_management_api;
    const StagedRevision staged = store.stage(tree);
    std::string etag;
    int persist_status = 500;
    ApplyResult result;
    try {
        const config::Layer layer = store.staged_layer(staged, from_management_api);
        result = control.apply_remote(layer, [&] {
            try {
                etag = store.commit(staged, meta);
            } catch (const RemoteConflict&) {
                persist_status = 412;
                throw;
            } catch (const RemoteUnavailable&) {
                persist_status = 503;
                throw;
            }
            return etag;
        });
    } catch (...) {
        if (etag.empty()) store.discard(staged);
        throw;
    }
    if (etag.empty()) store.discard(staged);
    if (result.applied && !etag.empty()) {
        log_info("remote_applied", "remote layer applied",
                 {number_or_text("revision", etag), {"kind", meta.kind}, {"author", meta.author}});
        Json answer = Json::object();
        answer["revision"] = etag;
        answer["shadowed_keys"] = shadowed_keys(tree, *control.current());
        add_findings(answer, result.findings);
        Json instances = control.fleet_outcomes(std::stoull(etag), wait);
        if (!instances.is_null()) answer["instances"] = std::move(instances);
        HttpResponse response = json_answer(200, answer);
        response.set_header("ETag", "\"" + etag + "\"");
        return response;
    }
    const bool refused = analysis::any_at_or_above(result.findings, analysis::Severity::error);
    const int status = refused ? 409 : persist_status;
    Json answer = Json::object();
    answer["error"] = refused
                          ? "refused: the analysis of the new configuration found errors"
                          : "not applied: " + (result.error.empty() ? std::string("unknown reason")
                                                                    : result.error);
    if (status != 503) answer["current_revision"] = RemoteStore::etag_of(store.current_revision());
    add_findings(answer, result.findings);
    log_warn("remote_refused", "remote layer refused",
             {{"kind", meta.kind}, {"reason", answer["error"].get<std::string>()}});
    return json_answer(status, answer);
}

RemoteRevision new_meta(const HttpRequest& request, Clock::time_point now, std::string kind,
                        std::uint64_t restores) {
    RemoteRevision meta;
    meta.time_ms = unix_ms(now);
    meta.author = note(request, "X-Xiaozhi-Author", "author");
    meta.message = note(request, "X-Xiaozhi-Message", "message");
    meta.kind = std::move(kind);
    meta.restores = restores;
    if (const auto within = confirm_within(request))
        meta.confirm_deadline_ms = meta.time_ms + within->count() * 1000;
    return meta;
}

config::Syntax body_syntax(const HttpRequest& request) {
    const std::string type = request.header("Content-Type");
    if (type.find("json") != std::string::npos) return config::Syntax::json;
    if (type.find("toml") != std::string::npos) return config::Syntax::toml;
    if (type.find("yaml") != std::string::npos || type.find("yml") != std::string::npos) {
        return config::Syntax::yaml;
    }
    return config::detect_syntax("", request.body);
}

HttpResponse put_remote(const HttpRequest& request, ServerControl& control,
                        const RemoteRevisions& store, Clock::time_point now) {
    const auto lock = RemoteStore::exclusive();
    if (auto failure = precondition_failure(request, store)) return std::move(*failure);
    config::Node tree;
    try {
        tree = config::parse_text(request.body, body_syntax(request), "PUT /xiaozhi/admin/remote");
    } catch (const config::InputError& error) {
        return error_response(400, error.what());
    }
    if (const auto key = config::find_serve_local_key(tree)) {
        log_warn("remote_refused", "remote layer refused",
                 {{"kind", "put"}, {"reason", "local_key"}, {"key", *key}});
        return error_response(409, *key +
                                       " is local to each machine and cannot be set through the "
                                       "admin API: set it in the configuration file");
    }
    return apply_revision(control, store, tree, new_meta(request, now, "put", 0),
                          fleet_wait(request));
}

HttpResponse rollback(const HttpRequest& request, std::string_view target, ServerControl& control,
                      const RemoteRevisions& store, Clock::time_point now) {
    const std::optional<std::uint64_t> revision = parse_number(target);
    if (!revision) return error_response(400, "expected rollback/<revision number>");
    const auto lock = RemoteStore::exclusive();
    if (auto failure = precondition_failure(request, store)) return std::move(*failure);
    if (*revision != 0 && !store.find(*revision)) {
        return error_response(404, "revision " + std::string(target) + " is not kept (the last " +
                                       std::to_string(RemoteRevisions::kept_revisions) + " are)");
    }
    return apply_revision(control, store, store.layer_tree(*revision),
                          new_meta(request, now, "rollback", *revision), fleet_wait(request));
}

HttpResponse confirm(std::string_view target, const RemoteRevisions& store) {
    const std::optional<std::uint64_t> revision = parse_number(target);
    if (!revision) return error_response(400, "expected confirm/<revision number>");
    const auto lock = RemoteStore::exclusive();
    switch (store.confirm(*revision)) {
        case ConfirmOutcome::confirmed:
            log_info("remote_confirmed", "remote layer confirmed", {{"revision", *revision}});
            break;
        case ConfirmOutcome::not_pending:
            break;
        case ConfirmOutcome::not_current:
            return error_response(409, "revision " + std::string(target) +
                                           " is no longer current (revision " +
                                           RemoteStore::etag_of(store.current_revision()) +
                                           " is): it was reverted or replaced");
    }
    Json body = Json::object();
    body["revision"] = RemoteStore::etag_of(*revision);
    body["confirmed"] = true;
    return json_answer(200, body);
}

HttpResponse get_config(const RunningConfig& running) {
    std::ostringstream out;
    report::write_layers(out, report::Format::json, running.loaded.effective, report::MaskOptions{},
                         false);
    return json_response(200, out.str());
}

HttpResponse get_remote(const RunningConfig& running, const RemoteRevisions& store) {
    Json tree = Json::object();
    for (const config::Layer& layer : running.loaded.layers) {
        if (layer.kind == config::LayerKind::remote) tree = report::node_json(layer.tree);
    }
    HttpResponse response = json_answer(200, tree);
    response.set_header("ETag", "\"" + RemoteStore::etag_of(store.current_revision()) + "\"");
    return response;
}

HttpResponse get_history(const RemoteRevisions& store) {
    const std::uint64_t current = store.current_revision();
    Json revisions = Json::array();
    for (const RemoteRevision& revision : store.history()) {
        revisions.push_back(revision_json(revision, current));
    }
    Json body = Json::object();
    body["current_revision"] = RemoteStore::etag_of(current);
    body["revisions"] = std::move(revisions);
    return json_answer(200, body);
}

HttpResponse method_not_allowed(std::string_view allowed) {
    HttpResponse response = error_response(405, "method not allowed; use " + std::string(allowed));
    response.set_header("Allow", std::string(allowed));
    return response;
}

// The part of `rest` after `route` + "/", when `rest` starts with it.
std::optional<std::string_view> under(std::string_view rest, std::string_view route) {
    if (rest.size() <= route.size() || !rest.starts_with(route) || rest[route.size()] != '/') {
        return std::nullopt;
    }
    return rest.substr(route.size() + 1);
}

}  // namespace

HttpResponse admin_request(const HttpRequest& request, std::string_view rest,
                           ServerControl& control, Clock::time_point now) {
    const std::shared_ptr<const RunningConfig> running = control.current();
    const std::unique_ptr<RemoteRevisions> revisions = control.remote_revisions();
    const RemoteRevisions& store = *revisions;
    const std::string& method = request.method;
    try {
        if (rest == "config") {
            return method == "GET" ? get_config(*running) : method_not_allowed("GET");
        }
        if (rest == "remote") {
            if (method == "GET") return get_remote(*running, store);
            if (method == "PUT") return put_remote(request, control, store, now);
            return method_not_allowed("GET, PUT");
        }
        if (rest == "history") {
            return method == "GET" ? get_history(store) : method_not_allowed("GET");
        }
        if (const auto target = under(rest, "rollback")) {
            return method == "POST" ? rollback(request, *target, control, store, now)
                                    : method_not_allowed("POST");
        }
        if (const auto target = under(rest, "confirm")) {
            return method == "POST" ? confirm(*target, store) : method_not_allowed("POST");
        }
        if (const auto target = under(rest, "firmware")) {
            if (method != "PUT") return method_not_allowed("PUT");
            std::string error;
            const std::optional<FirmwareTarget> firmware = parse_firmware_target(*target, error);
            if (!firmware) return error_response(400, error);
            return store_firmware_upload(request, *firmware, running->settings.firmware_dir);
        }
    } catch (const std::invalid_argument& error) {
        return error_response(400, error.what());
    } catch (const RemoteUnavailable& error) {
        return error_response(
            503, std::string("the remote layer cannot be changed now: ") + error.what());
    }
    return error_response(404, "not found: " + request.path);
}

RevertOutcome revert_unconfirmed(ServerControl& control, Clock::time_point now) {
    RevertOutcome outcome;
    try {
        const std::unique_ptr<RemoteRevisions> store = control.remote_revisions();
        const auto lock = RemoteStore::exclusive();
        const std::uint64_t current = store->current_revision();
        const std::optional<RemoteRevision> pending = store->find(current);
        if (!pending || !pending->confirm_deadline_ms) return outcome;
        outcome.revision = current;
        if (*pending->confirm_deadline_ms > unix_ms(now)) {
            outcome.status = RevertOutcome::Status::waiting;
            return outcome;
        }
        RemoteRevision meta;
        meta.time_ms = unix_ms(now);
        meta.author = "xiaozhi serve";
        meta.message = "revision " + RemoteStore::etag_of(current) + " was not confirmed in time";
        meta.kind = "revert";
        meta.restores = pending->previous;
        const HttpResponse answer = apply_revision(
            control, *store, store->layer_tree(pending->previous), meta, std::chrono::seconds(0));
        if (answer.status == 200) {
            log_warn("remote_reverted", "remote layer reverted",
                     {{"revision", current},
                      {"restored", pending->previous},
                      {"reason", "not_confirmed"}});
            outcome.status = RevertOutcome::Status::reverted;
            return outcome;
        }
        // 412: another instance of the fleet reverted it, or it was confirmed, first.
        // 503: etcd is away; the next check tries again.
        if (answer.status == 412) return RevertOutcome{};
        if (answer.status == 503) {
            outcome.status = RevertOutcome::Status::waiting;
            return outcome;
        }
        outcome.detail = Json::parse(answer.body).dump();
    } catch (const RemoteUnavailable& error) {
        outcome.status = RevertOutcome::Status::waiting;
        outcome.detail = error.what();
        return outcome;
    } catch (const std::exception& error) {
        outcome.detail = error.what();
    }
    outcome.status = RevertOutcome::Status::failed;
    log_error("remote_revert_failed", "remote layer revert failed",
              {{"revision", outcome.revision}, {"error", outcome.detail}});
    try {
        const auto lock = RemoteStore::exclusive();
        control.remote_revisions()->confirm(outcome.revision);
    } catch (const std::exception& error) {
        log_error("confirm_deadline_failed", "cannot clear the confirm deadline",
                  {{"revision", outcome.revision}, {"error", error.what()}});
    }
    return outcome;
}

}  // namespace xiaozhi::server
