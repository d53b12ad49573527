// A ServerControl for route tests: a RunningConfig loaded from TOML text, apply_remote under test
// control.
#pragma once

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/load.hpp"
#include "http_message.hpp"
#include "metrics.hpp"
#include "server_control.hpp"
#include "server_services.hpp"
#include "session_registry.hpp"
#include "settings.hpp"
#include "temp_dir.hpp"

namespace xiaozhi::test {

// The RunningConfig of `loaded`; settings are read with the real read_server_settings,
// relative folders resolved against `dir`.
inline std::shared_ptr<server::RunningConfig> running_config_from(const std::string& dir,
                                                                  const config::Loaded& loaded) {
    auto running = std::make_shared<server::RunningConfig>();
    running->loaded = loaded;
    running->settings = server::read_server_settings(loaded.effective, dir);
    running->bound = {running->settings.websocket_port, running->settings.http_port};
    running->websocket_url =
        running->settings.configured_websocket.empty()
            ? "ws://127.0.0.1:" + std::to_string(running->bound.websocket) + "/xiaozhi/v1/"
            : running->settings.configured_websocket;
    running->ota_url = "http://127.0.0.1:" + std::to_string(running->bound.http) + "/xiaozhi/ota/";
    running->download_base = running->ota_url + "download/";
    return running;
}

// Loads `toml` (written to <dir>/xiaozhi.toml) and `--set` assignments like serve does.
class FakeServerControl : public server::ServerControl {
  public:
    FakeServerControl(const TempDir& dir, const std::string& toml,
                      std::vector<std::string> assignments = {})
        : dir_(dir.path()) {
        config::LoadOptions options;
        options.paths = {dir.write("xiaozhi.toml", toml)};
        options.assignments = std::move(assignments);
        running_ = running_config_from(dir_, config::load(options));
    }

    std::shared_ptr<const server::RunningConfig> current() const override {
        std::lock_guard lock(mutex_);
        return running_;
    }

    // Records the layer; refuses with `refusal` findings when any are set, throws when
    // `throw_on_apply`, else publishes the candidate after calling persist.
    server::ApplyResult apply_remote(const config::Layer& remote,
                                     const std::function<std::string()>& persist) override {
        applied.push_back(remote);
        if (throw_on_apply) throw std::logic_error("apply exploded");
        if (!refusal.empty()) return {false, refusal, ""};
        if (!failure.empty()) return {false, {}, failure};
        std::shared_ptr<server::RunningConfig> next =
            running_config_from(dir_, config::with_remote_layer(current()->loaded, remote));
        next->remote_revision = persist();
        std::lock_guard lock(mutex_);
        running_ = next;
        return {true, warnings, ""};
    }

    std::vector<config::Layer> applied;
    std::vector<analysis::Finding> refusal;
    std::vector<analysis::Finding> warnings;
    std::string failure;
    bool throw_on_apply = false;

  private:
    std::string dir_;
    mutable std::mutex mutex_;
    std::shared_ptr<server::RunningConfig> running_;
};

// The services of one test: the fake control, metrics and sessions.
struct TestServer {
    TestServer(const TempDir& dir, const std::string& toml,
               std::vector<std::string> assignments = {})
        : control(dir, toml, std::move(assignments)) {}

    FakeServerControl control;
    server::Metrics metrics;
    server::SessionRegistry sessions;
    server::FirmwareListing firmware;
    server::UpstreamPool upstreams;
    server::FleetDirectory fleet;
    server::ServerServices services{control, metrics, sessions, firmware, upstreams, fleet};
};

inline server::HttpRequest request(std::string method, std::string target,
                                   std::vector<std::pair<std::string, std::string>> headers = {},
                                   std::string body = {}, std::string peer = "127.0.0.1") {
    server::HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    const std::size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    request.headers = std::move(headers);
    request.body = std::move(body);
    request.peer_address = std::move(peer);
    request.peer_port = 40000;
    return request;
}

inline std::string header_of(const server::HttpResponse& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
        if (key == name) return value;
    }
    return {};
}

}  // namespace xiaozhi::test
