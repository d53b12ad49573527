// ServerApp: the pipeline of DESIGN.md before binding, the listeners, reloads and shutdown.
#include "server_app.hpp"

#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
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
#include "heap_release.hpp"
#include "http_routes.hpp"
#include "io_pool.hpp"
#include "listener.hpp"
#include "log_event.hpp"
#include "open_file_limit.hpp"
#include "port_registry.hpp"
#include "remote_store.hpp"
#include "systemd_notify.hpp"

namespace xiaozhi::server {

namespace {

namespace asio = boost::asio;
using analysis::Finding;
using analysis::Severity;

constexpr auto shutdown_grace = std::chrono::seconds(3);
constexpr auto heap_release_interval = std::chrono::seconds(10);

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
        : options_(options), services_{*this, metrics_, sessions_, firmware_}, routes_(services_) {}

    ~ServerApp() override {
        listeners_.clear();
        io_.reset();
    }

    int run() {
        std::string revision;
        Candidate candidate = check(load_with_kept_remote(revision));
        log_findings(candidate.findings);
        if (analysis::any_at_or_above(candidate.findings, Severity::error)) {
            return refuse(candidate.findings, "the configuration has errors");
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
        remove_leftover_uploads(candidate.settings.firmware_dir);
        publish(std::move(candidate), bound, revision);
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
        notify_systemd("READY=1\nSTATUS=serving");
        io_->pool.run();
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

  private:
    // Says why the server does not start (the findings are logged already); exit code 1.
    int refuse(const std::vector<Finding>& findings, const std::string& reason) const {
        log_error("start_refused", "refusing to start", {{"reason", reason}});
        if (options_.banner) {
            std::cerr << findings_text(findings) << "xiaozhi serve: refusing to start: " << reason
                      << '\n';
        }
        return 1;
    }

    // The configuration of the command line, plus the remote layer kept in the state
    // folder by the admin API unless --remote names one; `revision` is its ETag.
    config::Loaded load_with_kept_remote(std::string& revision) {
        config::Loaded loaded = config::load(options_.load);
        refuse_empty_files(loaded);
        const ServerSettings settings = read_server_settings(loaded.effective, options_.base_dir);
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

    // The analysis of `loaded`; a missing auth key becomes one random key per process.
    Candidate check(config::Loaded loaded) {
        if (fallback_auth_key_.empty()) fallback_auth_key_ = random_key();
        return check_config(std::move(loaded), options_.base_dir, options_.probe,
                            fallback_auth_key_);
    }

    // Binds the listeners `settings` asks for; one of `running` with the same service,
    // address and requested port is kept instead of bound again.
    std::vector<std::shared_ptr<Listener>> bind_all(
        const ServerSettings& settings,
        const std::vector<std::shared_ptr<Listener>>& running = {}) {
        std::vector<std::pair<std::string, int>> wanted;
        if (settings.websocket_port == settings.http_port) {
            wanted.emplace_back("http+websocket", settings.websocket_port);
        } else {
            wanted.emplace_back("websocket", settings.websocket_port);
            wanted.emplace_back("http", settings.http_port);
        }
        std::vector<std::shared_ptr<Listener>> listeners;
        for (const auto& [service, port] : wanted) {
            // Init-captures, as clang 14 cannot capture structured bindings.
            const auto same = std::find_if(
                running.begin(), running.end(),
                [&, &service = service, port = port](const auto& listener) {
                    const BoundListener& bound = listener->bound();
                    return bound.service == service && bound.address == settings.bind_address &&
                           bound.requested_port == port;
                });
            if (same != running.end()) {
                listeners.push_back(*same);
                continue;
            }
            BoundListener bound =
                bind_listener(io_->pool.main(), service, settings.bind_address, port,
                              settings.port_fallback, settings.port_fallback_range);
            const bool fell_back = bound.bound_port != bound.requested_port;
            log_event(fell_back ? spdlog::level::warn : spdlog::level::info,
                      fell_back ? "fallback" : "bind", fell_back ? "fallback" : "bind",
                      {{"service", bound.service},
                       {"address", bound.address},
                       {"requested_port", bound.requested_port},
                       {"bound_port", bound.bound_port},
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
            const std::string& service = listener->bound().service;
            if (service != "http") ports.websocket = listener->bound().bound_port;
            if (service != "websocket") ports.http = listener->bound().bound_port;
        }
        return ports;
    }

    void publish(Candidate candidate, const BoundPorts& bound, const std::string& revision) {
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
        std::lock_guard lock(config_mutex_);
        current_ = std::move(running);
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
        const bool rebind = candidate.settings.bind_address != old_settings.bind_address ||
                            candidate.settings.websocket_port != old_settings.websocket_port ||
                            candidate.settings.http_port != old_settings.http_port;
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
        std::string revision = before->remote_revision;
        try {
            if (persist) revision = persist();
        } catch (const std::exception& error) {
            result.error = std::string("not saved, nothing changed: ") + error.what();
            metrics_.config_rejected.fetch_add(1);
            return result;
        }
        publish(std::move(candidate), bound, revision);
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
    ServerServices services_;
    HttpRoutes routes_;
    mutable std::mutex config_mutex_;
    std::shared_ptr<const RunningConfig> current_;
    std::mutex apply_mutex_;
    std::string fallback_auth_key_;
    std::chrono::steady_clock::time_point shutdown_deadline_;
    std::vector<std::shared_ptr<Listener>> listeners_;  // guarded by apply_mutex_
    // Destroyed first (in the destructor): pending handlers die while what they use lives.
    struct Io {
        explicit Io(int threads) : pool(threads) {}
        IoPool pool;
        asio::signal_set signals{pool.main(), SIGINT, SIGTERM, SIGHUP};
        asio::steady_timer drain_timer{pool.main()};
        asio::steady_timer confirm_timer{pool.main()};
        asio::steady_timer heap_timer{pool.main()};
    };
    std::unique_ptr<Io> io_ = std::make_unique<Io>(thread_count());
};

}  // namespace

int run_serve(const ServeOptions& options) {
    tune_allocator();
    ServerApp app(options);
    return app.run();
}

}  // namespace xiaozhi::server
