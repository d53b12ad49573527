// ServerControl's defaults: the remote layer in the state folder, no fleet.
#include "server_control.hpp"

#include "remote_store.hpp"

namespace xiaozhi::server {

std::unique_ptr<RemoteRevisions> ServerControl::remote_revisions() const {
    return std::make_unique<RemoteStore>(current()->settings.state_dir);
}

nlohmann::json ServerControl::fleet_outcomes(std::uint64_t, std::chrono::milliseconds) const {
    return nullptr;
}

}  // namespace xiaozhi::server
