// FleetMember: grant, create-if-absent, keepalive and refresh every TTL/3, backoff while etcd is
// away.
#include "fleet/fleet_member.hpp"

#include <algorithm>
#include <utility>

#include "log_event.hpp"

namespace xiaozhi::server {

namespace {

// How often the registry is read while etcd answers.
constexpr std::chrono::milliseconds kDirectoryRefresh{1000};

// "host h, pid 12, started 2026-12-04T19:00:00Z" from a registry entry.
std::string holder_of(const std::string& value) {
    const nlohmann::json entry = nlohmann::json::parse(value, nullptr, false);
    if (!entry.is_object()) return "an entry that is not JSON";
    const auto pid = entry.find("pid");
    const std::string pid_text = pid != entry.end() && pid->is_number_integer()
                                     ? std::to_string(pid->get<long long>())
                                     : "?";
    return "host " + entry.value("host", std::string("?")) + ", pid " + pid_text + ", websocket " +
           entry.value("websocket_url", std::string("?")) + ", started " +
           entry.value("started", std::string("?"));
}

}  // namespace

FleetMember::FleetMember(Options options, FleetDirectory& directory, Describe describe)
    : options_(std::move(options)),
      directory_(directory),
      describe_(std::move(describe)),
      key_("/xiaozhi/" + options_.name + "/instances/" + options_.instance),
      etcd_(options_.etcd) {}

FleetMember::~FleetMember() {
    stop();
}

void FleetMember::start() {
    // etcd away: register_entry logged it, and the thread keeps trying.
    register_entry();
    thread_ = std::thread([this] { run(); });
}

void FleetMember::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (lease_ == 0) return;
    try {
        etcd_.revoke(lease_);
        log_info("fleet_left", "left the fleet", {{"key", key_}});
    } catch (const std::exception& error) {
        log_warn("fleet_leave_failed",
                 "could not leave the fleet; the entry expires with its lease",
                 {{"key", key_}, {"error", error.what()}});
    }
    lease_ = 0;
}

void FleetMember::publish_soon() {
    {
        std::lock_guard lock(mutex_);
        publish_requested_ = true;
    }
    wake_.notify_all();
}

bool FleetMember::register_entry() {
    try {
        const fleet::EtcdLease lease = etcd_.grant(options_.lease_ttl.count());
        const std::string value = describe_().dump();
        if (!etcd_.put_if_revision(key_, value, 0, lease.id)) {
            const fleet::EtcdRange held = etcd_.range(key_);
            etcd_.revoke(lease.id);
            const std::string holder = held.kvs.empty() ? "?" : holder_of(held.kvs[0].value);
            throw FleetConflict("fleet.instance " + options_.instance +
                                " is registered by another serve (" + holder +
                                "); give this one another fleet.instance");
        }
        lease_ = lease.id;
        connected_ = true;
        log_info("fleet_joined", "joined the fleet",
                 {{"key", key_}, {"lease_ttl", options_.lease_ttl.count()}});
        refresh_directory();
        return true;
    } catch (const EtcdUnavailable& error) {
        lost_contact(error.what());
        return false;
    }
}

void FleetMember::refresh_directory() {
    const std::string prefix = "/xiaozhi/" + options_.name + "/instances/";
    std::vector<fleet::InstanceView> instances;
    for (const fleet::EtcdKeyValue& kv : etcd_.range(prefix, true).kvs) {
        if (auto view = fleet::instance_view_of(kv.key.substr(prefix.size()), kv.value)) {
            instances.push_back(std::move(*view));
        }
    }
    directory_.update(std::move(instances));
}

void FleetMember::lost_contact(const std::string& why) {
    directory_.disconnected();
    const bool was = connected_.exchange(false);
    if (was || !warned_) {
        log_warn("fleet_disconnected", "etcd unreachable, serving on",
                 {{"key", key_}, {"error", why}});
        warned_ = true;
    }
}

void FleetMember::keep_alive() {
    try {
        const fleet::EtcdLease renewed = etcd_.keep_alive(lease_);
        if (renewed.ttl <= 0) {
            log_warn("fleet_lease_lost", "fleet lease expired, registering again", {{"key", key_}});
            lease_ = 0;
            connected_ = false;
            register_entry();
            return;
        }
        etcd_.put(key_, describe_().dump(), lease_);
        refresh_directory();
        if (!connected_.exchange(true)) {
            log_info("fleet_reconnected", "etcd reachable again", {{"key", key_}});
        }
    } catch (const EtcdUnavailable& error) {
        lost_contact(error.what());
    }
}

void FleetMember::run() {
    using Clock = std::chrono::steady_clock;
    const auto period = std::max<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.lease_ttl) / 3,
        std::chrono::milliseconds(500));
    auto backoff = std::chrono::milliseconds(500);
    auto renew_at = Clock::now() + period;
    auto tick_at = Clock::now();
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        // Connected, the registry is read every second (an expired instance leaves the OTA
        // answers within a second of its lease) and the lease renewed every third of the TTL.
        const bool ok = connected_.load();
        wake_.wait_for(lock, ok ? std::min(period, kDirectoryRefresh) : backoff,
                       [this] { return stopping_ || publish_requested_; });
        if (stopping_) break;
        const bool publish = std::exchange(publish_requested_, false);
        lock.unlock();
        try {
            if (lease_ == 0) {
                register_entry();
                renew_at = Clock::now() + period;
            } else if (!ok || publish || Clock::now() >= renew_at) {
                keep_alive();
                renew_at = Clock::now() + period;
            } else {
                refresh_directory();
            }
            if (connected_ && options_.tick && Clock::now() >= tick_at) {
                options_.tick();
                tick_at = Clock::now() + kDirectoryRefresh;
            }
        } catch (const EtcdUnavailable& error) {
            lost_contact(error.what());
        } catch (const std::exception& error) {
            log_error("fleet_error", "fleet registry error",
                      {{"key", key_}, {"error", error.what()}});
        }
        backoff = connected_ ? std::chrono::milliseconds(500)
                             : std::min<std::chrono::milliseconds>(2 * backoff, period);
        lock.lock();
    }
}

}  // namespace xiaozhi::server
