// The upstream URLs of a deployment as the upstream rules see them: entry, origin and label.
#include "analysis/upstream_view.hpp"

#include "analysis/wording.hpp"

namespace xiaozhi::analysis {

namespace {

UpstreamUrl upstream_url(deploy::UpstreamEntry entry, bool websocket,
                         const config::Effective& effective) {
    UpstreamUrl url;
    url.key = websocket ? "upstream.websocket" : "upstream.ota";
    url.websocket = websocket;
    url.origin = config::Origin{effective.origin_of(url.key).layer, entry.pos};
    url.label = entry.key + (entry.url.empty() ? "" : " " + quote_text(entry.url)) + " (" +
                url.origin.to_string() + ")";
    url.entry = std::move(entry);
    return url;
}

}  // namespace

std::vector<UpstreamUrl> upstream_urls(const config::Effective& effective) {
    std::vector<UpstreamUrl> urls;
    for (deploy::UpstreamEntry& entry : deploy::upstream_websocket_entries(effective)) {
        urls.push_back(upstream_url(std::move(entry), true, effective));
    }
    if (auto ota = deploy::upstream_ota_entry(effective)) {
        urls.push_back(upstream_url(std::move(*ota), false, effective));
    }
    return urls;
}

}  // namespace xiaozhi::analysis
