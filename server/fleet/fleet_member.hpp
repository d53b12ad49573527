// FleetMember: this serve's entry in the fleet registry (/xiaozhi/<name>/instances/<id>), kept
// alive by an etcd lease.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "fleet/etcd_client.hpp"
#include "fleet/fleet_directory.hpp"

namespace xiaozhi::server {

// Another live process holds the instance id; the message names it.
class FleetConflict : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class FleetMember {
  public:
    struct Options {
        EtcdClient::Options etcd;
        std::string name;      // fleet.name: the keys live under /xiaozhi/<name>/
        std::string instance;  // fleet.instance: this serve's id in the registry
        std::chrono::seconds lease_ttl{10};
        // Called on the fleet's thread about every second while etcd answers.
        std::function<void()> tick;
    };
    // The registry entry's content, asked for at every refresh (from the fleet's thread).
    using Describe = std::function<nlohmann::json()>;

    // `directory` gets the registry as read at every refresh; it outlives the member.
    FleetMember(Options options, FleetDirectory& directory, Describe describe);
    ~FleetMember();
    FleetMember(const FleetMember&) = delete;
    FleetMember& operator=(const FleetMember&) = delete;

    // Registers once: throws FleetConflict when a live entry of another process has the
    // id; with etcd unreachable it logs a warning and the thread keeps trying. Then starts
    // the thread that keeps the lease alive (every third of the TTL) and the entry current.
    void start();
    // Deletes the entry (revokes the lease) and ends the thread. Safe to call twice.
    void stop();

    // Writes the entry again now (from the fleet's thread), not at the next renewal: its
    // content changed (a remote revision applied or refused).
    void publish_soon();

    bool connected() const { return connected_.load(std::memory_order_relaxed); }
    const std::string& key() const { return key_; }

  private:
    // Takes the key with a new lease unless another process holds it; false when etcd
    // did not answer.
    bool register_entry();
    void run();
    void keep_alive();
    void lost_contact(const std::string& why);
    // Reads every instance's entry into the directory.
    void refresh_directory();

    Options options_;
    FleetDirectory& directory_;
    Describe describe_;
    std::string key_;
    EtcdClient etcd_;
    std::int64_t lease_ = 0;
    std::atomic<bool> connected_{false};
    bool warned_ = false;

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool publish_requested_ = false;
    std::thread thread_;
};

}  // namespace xiaozhi::server
