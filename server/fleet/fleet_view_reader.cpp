// read_fleet_view: one range over the registry, one read of the remote key.
#include "fleet/fleet_view_reader.hpp"

#include <unistd.h>

#include "fleet/fleet_remote_store.hpp"

namespace xiaozhi::server {

analysis::FleetView read_fleet_view(EtcdClient& etcd, const std::string& fleet_name,
                                    std::string self_id, std::string self_host) {
    analysis::FleetView view;
    view.self_id = std::move(self_id);
    view.self_host = std::move(self_host);
    const std::string prefix = "/xiaozhi/" + fleet_name + "/instances/";
    for (const fleet::EtcdKeyValue& kv : etcd.range(prefix, true).kvs) {
        if (auto peer = analysis::fleet_peer_of(kv.key.substr(prefix.size()), kv.value)) {
            view.peers.push_back(std::move(*peer));
        }
    }
    const fleet::EtcdRange remote = etcd.range(FleetRemoteStore::keys_of(fleet_name).remote);
    view.remote_revision = std::to_string(remote.kvs.empty() ? 0 : remote.kvs[0].mod_revision);
    view.source = "etcd " + etcd.preferred_endpoint().host + ":" +
                  std::to_string(etcd.preferred_endpoint().port) + ", fleet " + fleet_name;
    return view;
}

std::string this_host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
    return name;
}

}  // namespace xiaozhi::server
