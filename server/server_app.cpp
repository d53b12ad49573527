// ServerApp: the pipeline of DESIGN.md before binding, the listeners, reloads and shutdown.
#include "server_app.hpp"

#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "admin_api.hpp"
#include "advertised_addresses.hpp"
#include "config/input_error.hpp"
#include "config_check.hpp"
#include "firmware_upload.hpp"
#include "fleet/etcd_watch.hpp"
#include "fleet/fleet_member.hpp"
#include "fleet/fleet_outcomes.hpp"
#include "fleet/fleet_remote_store.hpp"
#include "fleet/fleet_view_reader.hpp"
#include "heap_release.hpp"
#include "http_routes.hpp"
#include "io_pool.hpp"
#include "listener.hpp"
#include "log_event.hpp"
#include "open_file_limit.hpp"
#include "port_registry.hpp"
#include "relay/upstream_health_check.hpp"
#include "remote_store.hpp"
#include "systemd_notify.hpp"
#include "tls_contexts.hpp"
#include "tls_file_watch.hpp"

namespace xiaozhi::server {

namespace {

namespace asio = boost::asio;
using analysis::Finding;
using analysis::Severity;

constexpr auto shutdown_grace = std::chrono::seconds(3);
constexpr auto heap_release_interval = std::chrono::seconds(10);
// How often a certificate that expires within 30 days is logged again.
constexpr auto expiry_warning_interval = std::chrono::hours(24);

std::string random_key() {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes");
    std::string hex;
    for (unsigned char byte : bytes) hex += fmt::format("{:02x}", byte);
    return hex;
}

class ServerApp final : public ServerControl {
  public:
    explicit ServerApp(const ServeOptions& options)
        : options_(options),
          services_{*this, metrics_, sessions_, firmware_, upstreams_, fleet_directory_},
          routes_(services_) {}

    ~ServerApp() override {
        fleet_watch_.reset();
        fleet_.reset();
        listeners_.clear();
        health_check_.reset();
        io_.reset();
    }

    int run() {
        std::string revision;
        config::Loaded loaded;
        try {
            loaded = load_with_kept_remote(revision);
        } catch (const EtcdAuthFailed& error) {
            log_error("fleet_auth_failed", "etcd refused the fleet's user",
                      {{"error", error.what()}});
            return refuse({}, error.what());
        }
        const std::optional<analysis::FleetView> fleet = fleet_view_at_start(loaded);
        Candidate candidate = check(std::move(loaded), fleet ? &*fleet : nullptr);
        log_findings(candidate.findings);
        if (analysis::any_at_or_above(candidate.findings, Severity::error)) {
            return refuse(candidate.findings, "the configuration has errors");
        }
        std::shared_ptr<const TlsContexts> tls;
        try {
            tls = load_certificates(candidate.settings.tls);
        } catch (const TlsLoadError& error) {
            log_error("tls_refused", "certificate refused", {{"error", error.what()}});
            return refuse({}, error.what());
        }
        try {
            upstreams_.configure(candidate.settings.upstream);
        } catch (const std::exception& error) {
            log_error("upstream_tls_refused", "upstream CA refused", {{"error", error.what()}});
            return refuse({}, error.what());
        }
        sessions_.connections().set_descriptor_cap(
            raise_open_file_limit(candidate.settings.max_connections));
        std::vector<std::shared_ptr<Listener>> listeners;
        try {
            listeners = bind_all(candidate.settings);
        } catch (const std::exception& error) {
            log_error("bind_failed", "bind failed", {{"error", error.what()}});
            if (options_.banner) std::cerr << "xiaozhi serve: " << error.what() << '\n';
            return 3;
        }
        const BoundPorts bound = bound_ports(listeners);
        if (auto contradiction = bound_port_contradiction(
                candidate.settings, bound, candidate.loaded.effective, candidate.host)) {
            log_findings({*contradiction});
            return refuse({*contradiction}, "devices would be sent to a port nothing listens on");
        }
        if (auto uncovered = uncovered_host(candidate, bound, tls.get())) {
            log_findings({*uncovered});
            return refuse({*uncovered}, "devices would refuse the certificate");
        }
        remove_leftover_uploads(candidate.settings.firmware_dir);
        publish(std::move(candidate), bound, revision, tls);
        try {
            join_fleet();
        } catch (const FleetConflict& error) {
            log_error("fleet_conflict", "instance id taken", {{"error", error.what()}});
            return refuse({}, error.what());
        } catch (const EtcdAuthFailed& error) {
            log_error("fleet_auth_failed", "etcd refused the fleet's user",
                      {{"error", error.what()}});
            return refuse({}, error.what());
        }
        follow_fleet_remote();
        {
            std::lock_guard apply_lock(apply_mutex_);
            listeners_ = std::move(listeners);
            for (auto& listener : listeners_) listener->start();
            record_ports();
        }
        announce();
        wait_for_signals();
        check_unconfirmed();
        release_heap_now_and_then();
        watch_certificates();
        health_check_->start();
        notify_systemd("READY=1\nSTATUS=serving");
        io_->pool.run();
        if (fleet_watch_) fleet_watch_->stop();
        if (fleet_) fleet_->stop();
        remove_port_registry(current()->settings.state_dir);
        for (const auto& listener : listeners_) {
            log_info("release", "release",
                     {{"service", listener->bound().service},
                      {"address", listener->bound().address},
                      {"port", listener->bound().bound_port}});
        }
        log_info("stopped", "stopped");
        return 0;
    }

    std::shared_ptr<const RunningConfig> current() const override {
        std::lock_guard lock(config_mutex_);
        return current_;
    }

    ApplyResult apply_remote(const config::Layer& remote,
                             const std::function<std::string()>& persist) override {
        std::lock_guard apply_lock(apply_mutex_);
        std::optional<config::Layer> layer;
        if (!remote.tree.entries.empty()) layer = remote;
        return apply(config::with_remote_layer(current()->loaded, std::move(layer)), persist);
    }

    std::unique_ptr<RemoteRevisions> remote_revisions() const override {
        const std::shared_ptr<const RunningConfig> running = current();
        if (!fleet_remote(*running)) return ServerControl::remote_revisions();
        return fleet_store(running->settings);
    }

    nlohmann::json fleet_outcomes(std::uint64_t revision,
                                  std::chrono::milliseconds wait) const override {
        const std::shared_ptr<const RunningConfig> running = current();
        if (!fleet_remote(*running)) return nullptr;
        EtcdClient etcd(etcd_options(running->settings.fleet));
        return collect_push_outcomes(etcd, instances_prefix(running->settings.fleet), revision,
                                     wait);
    }

  private:
    // In a fleet the remote layer lives in etcd, unless --remote names a file.
    bool fleet_remote(const RunningConfig& running) const {
        return !running.settings.fleet.etcd.empty() && !options_.load.remote_file;
    }

    static EtcdClient::Options etcd_options(const FleetSettings& fleet) {
        EtcdClient::Options options;
        options.endpoints = fleet.etcd;
        options.user = fleet.user;
        options.password = fleet.password;
        return options;
    }

    static std::string instances_prefix(const FleetSettings& fleet) {
        return "/xiaozhi/" + fleet.name + "/instances/";
    }

    static std::unique_ptr<FleetRemoteStore> fleet_store(const ServerSettings& settings) {
        return std::make_unique<FleetRemoteStore>(etcd_options(settings.fleet), settings.fleet.name,
                                                  settings.state_dir);
    }

    // Follows /xiaozhi/<name>/remote: every revision pushed through any instance is
    // checked and applied here as well.
    void follow_fleet_remote() {
        const std::shared_ptr<const RunningConfig> running = current();
        if (!fleet_remote(*running)) return;
        EtcdWatch::Options options;
        options.etcd = etcd_options(running->settings.fleet);
        options.key = FleetRemoteStore::keys_of(running->settings.fleet.name).remote;
        fleet_watch_ = std::make_unique<EtcdWatch>(
            options, [this](const fleet::EtcdKeyValue& value) { apply_fleet_revision(value); });
        fleet_watch_->start();
    }

    // A revision of the fleet's remote layer, as the watch saw it: applied with the same
    // analysis as a push, or refused with the reason in this instance's registry entry.
    void apply_fleet_revision(const fleet::EtcdKeyValue& value) {
        const auto revision = static_cast<std::uint64_t>(value.mod_revision);
        const std::string etag = RemoteStore::etag_of(revision);
        {
            std::lock_guard apply_lock(apply_mutex_);
            const std::shared_ptr<const RunningConfig> running = current();
            const std::uint64_t running_revision =
                RemoteStore::parse_etag(running->remote_revision).value_or(0);
            if (revision == running_revision) {
                record_fleet_outcome(revision, "applied", "");
            } else if (revision > running_revision && refused_fleet_revision_ != revision) {
                // Older ones are stale: a read that waited for this push to finish.
                const std::unique_ptr<FleetRemoteStore> store = fleet_store(running->settings);
                const FleetRemoteStore::Layered layered{revision, value.value};
                ApplyResult result;
                try {
                    std::optional<config::Layer> layer =
                        store->layer_of(layered, running->loaded.remote_is_management_api);
                    if (layer->tree.entries.empty()) layer.reset();
                    result =
                        apply(config::with_remote_layer(running->loaded, std::move(layer)), [&] {
                            remember_fleet_layer(*store, layered);
                            return etag;
                        });
                } catch (const config::InputError& error) {
                    result.error = error.what();
                }
                if (result.applied) {
                    log_info("remote_applied", "remote layer applied",
                             {{"revision", revision}, {"source", "fleet"}});
                    record_fleet_outcome(revision, "applied", "");
                } else {
                    const std::string reason = refusal_reason(result);
                    log_findings(result.findings);
                    log_warn("remote_refused",
                             "remote layer refused, still serving the previous configuration",
                             {{"revision", revision}, {"source", "fleet"}, {"reason", reason}});
                    refused_fleet_revision_ = revision;
                    record_fleet_outcome(revision, "refused", reason);
                }
            }
        }
        if (fleet_) fleet_->publish_soon();
    }

    static std::string refusal_reason(const ApplyResult& result) {
        if (!result.error.empty()) return result.error;
        for (const Finding& finding : result.findings) {
            if (finding.severity >= Severity::error) return finding.rule + ": " + finding.message;
        }
        return "unknown reason";
    }

    // The cache for a start while etcd is away; failing to write it does not refuse the
    // revision.
    static void remember_fleet_layer(const FleetRemoteStore& store,
                                     const FleetRemoteStore::Layered& layered) {
        try {
            store.remember_applied(layered);
        } catch (const std::exception& error) {
            log_warn("fleet_cache_failed", "cannot save the fleet's remote layer",
                     {{"error", error.what()}});
        }
    }

    void record_fleet_outcome(std::uint64_t revision, std::string status, std::string reason) {
        std::lock_guard lock(fleet_outcome_mutex_);
        fleet_outcome_ = {{"revision", RemoteStore::etag_of(revision)},
                          {"status", std::move(status)},
                          {"reason", std::move(reason)}};
    }

    // With fleet.etcd set: this instance's registry entry, kept alive until the stop.
    void join_fleet() {
        const std::shared_ptr<const RunningConfig> running = current();
        const FleetSettings& fleet = running->settings.fleet;
        if (fleet.etcd.empty()) return;
        FleetMember::Options options;
        options.etcd = etcd_options(fleet);
        options.name = fleet.name;
        options.instance = instance_id(running->settings, running->bound.websocket);
        options.lease_ttl = fleet.lease_ttl;
        // The fleet's confirm deadlines are checked on the fleet's thread: its etcd calls
        // must not hold up the listeners' thread.
        if (fleet_remote(*running)) {
            options.tick = [this] { revert_unconfirmed(*this, std::chrono::system_clock::now()); };
        }
        fleet_directory_.configure(options.instance, fleet.balance, fleet.sticky);
        fleet_ = std::make_unique<FleetMember>(
            options, fleet_directory_,
            [this, started = utc_now_text()] { return registry_entry(started); });
        fleet_->start();
    }

    // What the fleet's registry says about this instance.
    nlohmann::json registry_entry(const std::string& started) const {
        const std::shared_ptr<const RunningConfig> running = current();
        const ServerSettings& settings = running->settings;
        const bool degraded =
            settings.backend == ServerSettings::Backend::relay && !upstreams_.any_healthy();
        return {{"websocket_url", running->websocket_url},
                {"ota_url", running->ota_url},
                {"address", settings.bind_address},
                {"ports",
                 {{"websocket", running->bound.websocket},
                  {"http", running->bound.http},
                  {"tls", running->bound.tls}}},
                {"version", XIAOZHI_VERSION},
                {"sessions", sessions_.size()},
                {"capacity", settings.max_connections},
                {"health", degraded ? "degraded" : "ok"},
                {"remote_revision", running->remote_revision},
                {"remote_outcome", fleet_outcome()},
                {"host", this_host_name()},
                {"pid", static_cast<int>(::getpid())},
                {"started", started}};
    }

    nlohmann::json fleet_outcome() const {
        std::lock_guard lock(fleet_outcome_mutex_);
        return fleet_outcome_;
    }

    static std::string utc_now_text() {
        const std::time_t now = std::time(nullptr);
        std::tm utc{};
        ::gmtime_r(&now, &utc);
        char text[32];
        std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
        return text;
    }

    // Says why the server does not start (the findings are logged already); exit code 1.
    int refuse(const std::vector<Finding>& findings, const std::string& reason) const {
        log_error("start_refused", "refusing to start", {{"reason", reason}});
        if (options_.banner) {
            if (!findings.empty()) std::cerr << findings_text(findings);
            std::cerr << "xiaozhi serve: refusing to start: " << reason << '\n';
        }
        return 1;
    }

    // The configuration of the command line, plus the remote layer kept in the state
    // folder by the admin API (in a fleet: held by etcd) unless --remote names one;
    // `revision` is its ETag.
    config::Loaded load_with_kept_remote(std::string& revision) {
        config::Loaded loaded = config::load(options_.load);
        refuse_empty_files(loaded);
        const ServerSettings settings = read_server_settings(loaded.effective, options_.base_dir);
        if (!settings.fleet.etcd.empty() && !options_.load.remote_file) {
            return with_fleet_remote(std::move(loaded), settings, revision);
        }
        const RemoteStore store(settings.state_dir);
        revision = RemoteStore::etag_of(store.current_revision());
        if (options_.load.remote_file) return loaded;
        if (const auto path = store.current_layer_path()) {
            log_info("remote_loaded", "remote layer",
                     {number_or_text("revision", revision), {"file", *path}});
            config::Layer remote = config::remote_layer(*path, loaded.remote_is_management_api);
            loaded = config::with_remote_layer(std::move(loaded), std::move(remote));
        }
        return loaded;
    }

    // The fleet's remote layer from etcd; with etcd away, the one this instance last
    // applied (its revision then comes again through the watch once etcd answers).
    static config::Loaded with_fleet_remote(config::Loaded loaded, const ServerSettings& settings,
                                            std::string& revision) {
        const std::unique_ptr<FleetRemoteStore> store = fleet_store(settings);
        std::optional<FleetRemoteStore::Layered> layered;
        try {
            layered = store->read_current();
            remember_fleet_layer(*store, *layered);
        } catch (const RemoteUnavailable& error) {
            layered = store->last_applied();
            log_warn("fleet_remote_unavailable",
                     layered ? "etcd unreachable: starting with the remote layer applied last"
                             : "etcd unreachable: starting without the fleet's remote layer",
                     {{"error", error.what()}});
        }
        revision = RemoteStore::etag_of(layered ? layered->revision : 0);
        if (!layered) return loaded;
        config::Layer remote = store->layer_of(*layered, loaded.remote_is_management_api);
        log_info("remote_loaded", "remote layer",
                 {number_or_text("revision", revision), {"source", remote.source}});
        if (remote.tree.entries.empty()) return loaded;
        return config::with_remote_layer(std::move(loaded), std::move(remote));
    }

    // The analysis of `loaded`; a missing auth key becomes one random key per process.
    Candidate check(config::Loaded loaded, const analysis::FleetView* fleet = nullptr) {
        if (fallback_auth_key_.empty()) fallback_auth_key_ = random_key();
        return check_config(std::move(loaded), options_.base_dir, options_.probe,
                            fallback_auth_key_, fleet);
    }

    // In a fleet, the registry for the fleet rules of the first analysis; nullopt without
    // a fleet or while etcd does not answer (the registry's thread reports that).
    std::optional<analysis::FleetView> fleet_view_at_start(const config::Loaded& loaded) const {
        const ServerSettings settings = read_server_settings(loaded.effective, options_.base_dir);
        if (settings.fleet.etcd.empty()) return std::nullopt;
        try {
            EtcdClient etcd(etcd_options(settings.fleet));
            return read_fleet_view(etcd, settings.fleet.name, instance_id(settings),
                                   this_host_name());
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }

    // fleet.instance, else <hostname>:<websocket port>.
    static std::string instance_id(const ServerSettings& settings, int websocket_port = 0) {
        if (!settings.fleet.instance.empty()) return settings.fleet.instance;
        return this_host_name() + ":" +
               std::to_string(websocket_port != 0 ? websocket_port : settings.websocket_port);
    }

    // Binds the listeners `settings` asks for; one of `running` with the same service,
    // address and requested port is kept instead of bound again.
    std::vector<std::shared_ptr<Listener>> bind_all(
        const ServerSettings& settings,
        const std::vector<std::shared_ptr<Listener>>& running = {}) {
        struct Wanted {
            std::string service;
            int port;
            bool tls;
        };
        const TlsSettings& tls = settings.tls;
        std::vector<Wanted> wanted;
        if (settings.websocket_port == settings.http_port) {
            wanted.push_back({"http+websocket", settings.websocket_port,
                              tls.configured() && (tls.websocket || tls.http)});
        } else {
            wanted.push_back(
                {"websocket", settings.websocket_port, tls.configured() && tls.websocket});
            wanted.push_back({"http", settings.http_port, tls.configured() && tls.http});
        }
        if (tls.configured() && tls.port != 0) wanted.push_back({"tls", tls.port, true});
        std::vector<std::shared_ptr<Listener>> listeners;
        for (const auto& [service, port, speaks_tls] : wanted) {
            // Init-captures, as clang 14 cannot capture structured bindings.
            const auto same = std::find_if(running.begin(), running.end(),
                                           [&, &service = service, port = port,
                                            speaks_tls = speaks_tls](const auto& listener) {
                                               const BoundListener& bound = listener->bound();
                                               return bound.service == service &&
                                                      bound.address == settings.bind_address &&
                                                      bound.requested_port == port &&
                                                      bound.tls == speaks_tls;
                                           });
            if (same != running.end()) {
                listeners.push_back(*same);
                continue;
            }
            BoundListener bound =
                bind_listener(io_->pool.main(), service, settings.bind_address, port,
                              settings.port_fallback, settings.port_fallback_range);
            bound.tls = speaks_tls;
            const bool fell_back = bound.bound_port != bound.requested_port;
            log_event(fell_back ? spdlog::level::warn : spdlog::level::info,
                      fell_back ? "fallback" : "bind", fell_back ? "fallback" : "bind",
                      {{"service", bound.service},
                       {"address", bound.address},
                       {"requested_port", bound.requested_port},
                       {"bound_port", bound.bound_port},
                       {"tls", bound.tls},
                       {"reason", bound.reason}});
            if (fell_back) metrics_.fallbacks.add(service);
            metrics_.binds.add(service);
            listeners.push_back(
                std::make_shared<Listener>(std::move(bound), io_->pool, services_, routes_));
        }
        return listeners;
    }

    static BoundPorts bound_ports(const std::vector<std::shared_ptr<Listener>>& listeners) {
        BoundPorts ports;
        for (const auto& listener : listeners) {
            const BoundListener& bound = listener->bound();
            if (bound.service == "tls") {
                ports.tls = bound.bound_port;
                continue;
            }
            if (bound.service != "http") {
                ports.websocket = bound.bound_port;
                ports.websocket_tls = bound.tls;
            }
            if (bound.service != "websocket") {
                ports.http = bound.bound_port;
                ports.http_tls = bound.tls;
            }
        }
        return ports;
    }

    // The certificates of `tls` checked and loaded, their expiry logged and exposed; null
    // without server.tls. Throws TlsLoadError.
    std::shared_ptr<const TlsContexts> load_certificates(const TlsSettings& tls) {
        if (!tls.configured()) {
            std::lock_guard lock(metrics_.tls_expiry_mutex);
            metrics_.tls_expiry.clear();
            tls_stamps_.clear();
            return nullptr;
        }
        auto contexts = TlsContexts::load(tls, std::chrono::system_clock::now());
        for (const auto& identity : contexts->identities()) {
            log_info("tls_certificate", "certificate loaded",
                     {{"file", identity.files.cert},
                      {"subject", identity.leaf.subject},
                      {"fingerprint", identity.leaf.sha256_fingerprint},
                      {"not_after", std::chrono::duration_cast<std::chrono::seconds>(
                                        identity.leaf.not_after.time_since_epoch())
                                        .count()}});
        }
        warn_of_expiry(*contexts);
        std::lock_guard lock(metrics_.tls_expiry_mutex);
        metrics_.tls_expiry.clear();
        for (const auto& identity : contexts->identities()) {
            metrics_.tls_expiry[identity.files.cert] =
                std::chrono::duration_cast<std::chrono::seconds>(
                    identity.leaf.not_after.time_since_epoch())
                    .count();
        }
        tls_stamps_ = stamp_tls_files(tls);
        return contexts;
    }

    void warn_of_expiry(const TlsContexts& contexts) {
        for (const std::string& line : contexts.expiry_warnings()) {
            log_warn("tls_expiring", "certificate expires soon", {{"detail", line}});
        }
        last_expiry_warning_ = std::chrono::steady_clock::now();
    }

    // tls.host-not-covered for the URLs `candidate` would hand out with `bound`.
    static std::optional<Finding> uncovered_host(const Candidate& candidate,
                                                 const BoundPorts& bound, const TlsContexts* tls) {
        if (tls == nullptr) return std::nullopt;
        const AdvertisedAddresses addresses = advertised_addresses(
            candidate.settings, bound, candidate.loaded.effective, candidate.host);
        std::vector<std::string> names;
        for (const auto& identity : tls->identities()) {
            names.insert(names.end(), identity.names.begin(), identity.names.end());
        }
        return uncovered_tls_host(
            addresses, candidate.loaded.effective,
            [tls](std::string_view host) { return tls->covers(host); }, names);
    }

    // Checks the certificate files every server.tls.watch_interval; a changed file is a
    // renewal: the certificates are loaded again, and a failing load keeps the old ones.
    void watch_certificates() {
        const auto running = current();
        if (!running->tls) return;
        io_->tls_timer.expires_after(running->settings.tls.watch_interval);
        io_->tls_timer.async_wait([this](boost::system::error_code error) {
            if (error) return;
            {
                std::lock_guard apply_lock(apply_mutex_);
                const auto running = current();
                if (running->tls) {
                    if (stamp_tls_files(running->settings.tls) != tls_stamps_) {
                        reload_certificates(*running, "file_changed");
                    } else if (std::chrono::steady_clock::now() - last_expiry_warning_ >=
                               expiry_warning_interval) {
                        warn_of_expiry(*running->tls);
                    }
                }
            }
            watch_certificates();
        });
    }

    // Loads the certificates of `running` again and publishes them; the caller holds
    // apply_mutex_. Sessions keep the certificate they started with.
    void reload_certificates(const RunningConfig& running, const char* reason) {
        try {
            auto tls = load_certificates(running.settings.tls);
            auto renewed = std::make_shared<RunningConfig>(running);
            renewed->tls = std::move(tls);
            {
                std::lock_guard lock(config_mutex_);
                current_ = std::move(renewed);
            }
            metrics_.tls_reloads.add("ok");
            log_info("tls_reloaded", "certificates reloaded", {{"reason", reason}});
        } catch (const std::exception& error) {
            tls_stamps_ = stamp_tls_files(running.settings.tls);
            metrics_.tls_reloads.add("rejected");
            log_error("tls_reload_rejected",
                      "certificate reload rejected, still serving the previous certificate",
                      {{"reason", reason}, {"error", error.what()}});
        }
    }

    void publish(Candidate candidate, const BoundPorts& bound, const std::string& revision,
                 std::shared_ptr<const TlsContexts> tls) {
        auto running = std::make_shared<RunningConfig>();
        const AdvertisedAddresses addresses = advertised_addresses(
            candidate.settings, bound, candidate.loaded.effective, candidate.host);
        running->settings = std::move(candidate.settings);
        running->loaded = std::move(candidate.loaded);
        running->bound = bound;
        running->websocket_url = addresses.websocket_url;
        running->ota_url = addresses.ota_url;
        running->download_base = addresses.download_base;
        running->remote_revision = revision;
        running->tls = std::move(tls);
        configure_upstreams(running->settings.upstream);
        std::lock_guard lock(config_mutex_);
        current_ = std::move(running);
    }

    // The relay's list; a CA file that cannot be used keeps the previous trust, logged.
    void configure_upstreams(const UpstreamSettings& upstream) {
        try {
            upstreams_.configure(upstream);
        } catch (const std::exception& error) {
            log_error("upstream_tls_refused", "upstream CA refused", {{"error", error.what()}});
        }
    }

    void record_ports() {
        std::vector<const BoundListener*> bound;
        for (const auto& listener : listeners_) bound.push_back(&listener->bound());
        write_port_registry(current()->settings.state_dir, bound);
    }

    void announce() {
        const auto running = current();
        log_info("serving", "serving",
                 {{"ota_url", running->ota_url},
                  {"websocket_url", running->websocket_url},
                  {"threads", thread_count()}});
        if (!options_.banner) return;
        std::cerr << "xiaozhi serve " XIAOZHI_VERSION " is ready\n"
                  << "  OTA URL (flash into devices): " << running->ota_url << '\n'
                  << "  WebSocket URL devices get:    " << running->websocket_url << '\n';
    }

    // Validates, rebinds when the listen address or ports change (new before old),
    // persists, publishes. The caller holds apply_mutex_.
    ApplyResult apply(config::Loaded loaded, const std::function<std::string()>& persist) {
        ApplyResult result;
        Candidate candidate;
        try {
            candidate = check(std::move(loaded));
        } catch (const config::InputError& error) {
            Finding finding;
            finding.rule = "config.type";
            finding.severity = Severity::error;
            finding.message = error.message();
            finding.origin = config::Origin{"remote", error.position()};
            result.findings.push_back(std::move(finding));
            metrics_.config_rejected.fetch_add(1);
            return result;
        }
        result.findings = candidate.findings;
        if (analysis::any_at_or_above(candidate.findings, Severity::error)) {
            metrics_.config_rejected.fetch_add(1);
            return result;
        }
        const auto before = current();
        const ServerSettings& old_settings = before->settings;
        const TlsSettings& new_tls = candidate.settings.tls;
        const TlsSettings& old_tls = old_settings.tls;
        const bool rebind = candidate.settings.bind_address != old_settings.bind_address ||
                            candidate.settings.websocket_port != old_settings.websocket_port ||
                            candidate.settings.http_port != old_settings.http_port ||
                            new_tls.configured() != old_tls.configured() ||
                            new_tls.port != old_tls.port ||
                            new_tls.websocket != old_tls.websocket || new_tls.http != old_tls.http;
        std::shared_ptr<const TlsContexts> tls;
        try {
            tls = load_certificates(new_tls);
        } catch (const TlsLoadError& error) {
            tls_stamps_ = stamp_tls_files(new_tls);
            result.error = std::string("certificate refused, nothing changed: ") + error.what();
            metrics_.config_rejected.fetch_add(1);
            return result;
        }
        try {
            UpstreamPool::trust_for(candidate.settings.upstream);
        } catch (const std::exception& error) {
            result.error = std::string("upstream CA refused, nothing changed: ") + error.what();
            metrics_.config_rejected.fetch_add(1);
            return result;
        }
        std::vector<std::shared_ptr<Listener>> fresh;
        BoundPorts bound = before->bound;
        if (rebind) {
            try {
                fresh = bind_all(candidate.settings, listeners_);
            } catch (const std::exception& error) {
                result.error = std::string("rebind failed, nothing changed: ") + error.what();
                metrics_.config_rejected.fetch_add(1);
                return result;
            }
            bound = bound_ports(fresh);
        }
        if (auto contradiction = bound_port_contradiction(
                candidate.settings, bound, candidate.loaded.effective, candidate.host)) {
            result.findings.push_back(*contradiction);
            metrics_.config_rejected.fetch_add(1);
            return result;
        }
        if (auto uncovered = uncovered_host(candidate, bound, tls.get())) {
            result.findings.push_back(*uncovered);
            metrics_.config_rejected.fetch_add(1);
            return result;
        }
        std::string revision = before->remote_revision;
        try {
            if (persist) revision = persist();
        } catch (const std::exception& error) {
            result.error = std::string("not saved, nothing changed: ") + error.what();
            metrics_.config_rejected.fetch_add(1);
            return result;
        }
        const bool watch = tls && !before->tls;
        publish(std::move(candidate), bound, revision, std::move(tls));
        if (watch) watch_certificates();
        if (rebind) {
            const auto kept = [](const auto& listeners, const auto& listener) {
                return std::find(listeners.begin(), listeners.end(), listener) != listeners.end();
            };
            for (auto& listener : fresh) {
                if (!kept(listeners_, listener)) listener->start();
            }
            for (auto& listener : listeners_) {
                if (kept(fresh, listener)) continue;
                log_info("release", "release",
                         {{"service", listener->bound().service},
                          {"address", listener->bound().address},
                          {"port", listener->bound().bound_port},
                          {"reason", "rebind"}});
                listener->stop();
            }
            listeners_ = std::move(fresh);
            record_ports();
        }
        log_findings(result.findings);
        metrics_.config_reloads.fetch_add(1);
        log_info(
            "config_applied", "config applied",
            {number_or_text("revision", revision), {"websocket_url", current()->websocket_url}});
        result.applied = true;
        return result;
    }

    void reload_files() {
        std::lock_guard apply_lock(apply_mutex_);
        try {
            config::Loaded reloaded = config::load(options_.load);
            refuse_empty_files(reloaded);
            std::optional<config::Layer> remote;
            for (const auto& layer : current()->loaded.layers) {
                if (layer.kind == config::LayerKind::remote) remote = layer;
            }
            if (!options_.load.remote_file) {
                reloaded = config::with_remote_layer(std::move(reloaded), std::move(remote));
            }
            const ApplyResult result = apply(std::move(reloaded), nullptr);
            if (!result.applied) {
                log_findings(result.findings);
                log_error("reload_rejected",
                          "reload rejected, still serving the previous configuration",
                          {{"reason", result.error.empty() ? "findings" : result.error}});
            }
        } catch (const std::exception& error) {
            metrics_.config_rejected.fetch_add(1);
            log_error("reload_rejected",
                      "reload rejected, still serving the previous configuration",
                      {{"reason", error.what()}});
        }
    }

    void wait_for_signals() {
        io_->signals.async_wait([this](boost::system::error_code error, int signal) {
            if (error) return;
            if (signal == SIGHUP) {
                log_info("reload", "SIGHUP: reloading the configuration files");
                reload_files();
                wait_for_signals();
                return;
            }
            shutdown(signal);
        });
    }

    // Reverts a remote change pushed with a confirm-within deadline that passed
    // unconfirmed; checked at start-up and then every second.
    void check_unconfirmed() {
        if (fleet_remote(*current())) return;  // on the fleet's thread
        revert_unconfirmed(*this, std::chrono::system_clock::now());
        io_->confirm_timer.expires_after(std::chrono::seconds(1));
        io_->confirm_timer.async_wait([this](boost::system::error_code error) {
            if (!error) check_unconfirmed();
        });
    }

    // Gives freed memory back every heap_release_interval: a session's turn buffers go
    // back to the system after it ends, not only to the allocator.
    void release_heap_now_and_then() {
        io_->heap_timer.expires_after(heap_release_interval);
        io_->heap_timer.async_wait([this](boost::system::error_code error) {
            if (error) return;
            release_free_heap();
            release_heap_now_and_then();
        });
    }

    static void remove_leftover_uploads(const std::string& firmware_dir) {
        for (const std::string& name : remove_upload_leftovers(firmware_dir)) {
            log_info("upload_leftover_removed", "removed an interrupted upload",
                     {{"file", name}, {"folder", firmware_dir}});
        }
    }

    void shutdown(int signal) {
        std::lock_guard apply_lock(apply_mutex_);
        log_info("stopping", "stopping", {{"signal", signal}, {"sessions", sessions_.size()}});
        notify_systemd("STOPPING=1");
        for (auto& listener : listeners_) listener->stop();
        io_->confirm_timer.cancel();
        io_->heap_timer.cancel();
        io_->tls_timer.cancel();
        health_check_->stop();
        sessions_.close_all();
        shutdown_deadline_ = std::chrono::steady_clock::now() + shutdown_grace;
        poll_drained();
    }

    void poll_drained() {
        const bool drained = sessions_.size() == 0 && metrics_.connections_open.load() == 0;
        if (drained || std::chrono::steady_clock::now() >= shutdown_deadline_) {
            io_->pool.stop();
            return;
        }
        io_->drain_timer.expires_after(std::chrono::milliseconds(50));
        io_->drain_timer.async_wait([this](boost::system::error_code error) {
            if (!error) poll_drained();
        });
    }

    int thread_count() const {
        if (options_.threads > 0) return options_.threads;
        return std::max(1u, std::thread::hardware_concurrency());
    }

    ServeOptions options_;
    Metrics metrics_;
    SessionRegistry sessions_;
    FirmwareListing firmware_;
    UpstreamPool upstreams_;
    FleetDirectory fleet_directory_;  // what OTA answers hand out in a fleet
    ServerServices services_;
    HttpRoutes routes_;
    mutable std::mutex config_mutex_;
    std::shared_ptr<const RunningConfig> current_;
    std::mutex apply_mutex_;
    std::string fallback_auth_key_;
    std::chrono::steady_clock::time_point shutdown_deadline_;
    std::vector<std::shared_ptr<Listener>> listeners_;  // guarded by apply_mutex_
    std::vector<FileStamp> tls_stamps_;                 // the files last loaded; apply_mutex_
    std::chrono::steady_clock::time_point last_expiry_warning_;
    // Destroyed first (in the destructor): pending handlers die while what they use lives.
    struct Io {
        explicit Io(int threads) : pool(threads) {}
        IoPool pool;
        asio::signal_set signals{pool.main(), SIGINT, SIGTERM, SIGHUP};
        asio::steady_timer drain_timer{pool.main()};
        asio::steady_timer confirm_timer{pool.main()};
        asio::steady_timer heap_timer{pool.main()};
        asio::steady_timer tls_timer{pool.main()};
    };
    std::unique_ptr<Io> io_ = std::make_unique<Io>(thread_count());
    // Its timer belongs to the main context: destroyed before io_.
    std::unique_ptr<FleetMember> fleet_;        // with fleet.etcd: the registry entry
    std::unique_ptr<EtcdWatch> fleet_watch_;    // with fleet.etcd: the remote layer followed
    std::uint64_t refused_fleet_revision_ = 0;  // the last one refused; apply_mutex_
    mutable std::mutex fleet_outcome_mutex_;
    nlohmann::json fleet_outcome_;  // what this instance did with the last revision seen
    std::unique_ptr<UpstreamHealthCheck> health_check_ = std::make_unique<UpstreamHealthCheck>(
        io_->pool.main(), upstreams_, [this] { return current(); });
};

}  // namespace

int run_serve(const ServeOptions& options) {
    tune_allocator();
    // OpenSSL writes TLS records to the socket with write(2): a peer that has gone must be
    // an EPIPE for that connection, not a SIGPIPE that ends the server.
    std::signal(SIGPIPE, SIG_IGN);
    ServerApp app(options);
    return app.run();
}

}  // namespace xiaozhi::server
