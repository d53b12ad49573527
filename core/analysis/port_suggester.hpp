// The nearest port a listener could move to: free in the deployment and on the host.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "deploy/model.hpp"
#include "host/snapshot.hpp"

namespace xiaozhi::analysis {

class PortSuggester {
  public:
    // Ports in use: every model listener and published compose host port, and the
    // host's listening sockets when the snapshot was probed.
    PortSuggester(const deploy::Model& model, const host::Snapshot& host);

    // The port nearest to `port` (one above, one below, two above, ... within 1..65535)
    // that is not in use, not in the host's ephemeral range, and not privileged
    // unless the host may bind privileged ports.
    std::optional<int> nearest_free(int port, deploy::Transport transport) const;

    // "use port 8001 (free in the deployment and on this host)", or "" when no port is free.
    std::string suggestion(int port, deploy::Transport transport) const;

  private:
    bool acceptable(int port, deploy::Transport transport) const;
    std::vector<bool>& used(deploy::Transport transport);
    const std::vector<bool>& used(deploy::Transport transport) const;

    const host::Snapshot& host_;
    std::vector<bool> used_tcp_;
    std::vector<bool> used_udp_;
};

}  // namespace xiaozhi::analysis
