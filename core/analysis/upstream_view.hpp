// The upstream URLs of a deployment as the upstream rules see them: entry, origin and label.
#pragma once

#include <string>
#include <vector>

#include "config/effective.hpp"
#include "deploy/upstream_urls.hpp"

namespace xiaozhi::analysis {

// One configured upstream URL: an entry of upstream.websocket, or upstream.ota.
struct UpstreamUrl {
    deploy::UpstreamEntry entry;
    bool websocket = true;  // an upstream.websocket entry; false: upstream.ota
    std::string key;        // the finding's key: "upstream.websocket" or "upstream.ota"
    config::Origin origin;  // the layer of `key`, at entry.pos
    // "upstream.websocket[1] "ws://…" (config.yaml:4:7)": the entry, its URL and its origin.
    std::string label;
};

// Every entry of upstream.websocket in order, then upstream.ota when it is set.
std::vector<UpstreamUrl> upstream_urls(const config::Effective& effective);

}  // namespace xiaozhi::analysis
