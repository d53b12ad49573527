// url.list-entry: the ';' URL list the management API draws one entry from at random.
#include <map>
#include <string>
#include <vector>

#include "analysis/deployment_view.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/wording.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

std::string entry_label(const deploy::AdvertisedUrl& url) {
    return "entry " + std::to_string(url.index + 1) + " " + quote_text(url.text);
}

// Everything of a URL but its port.
std::string without_port(const deploy::Url& url) {
    return url.scheme + "://" + lower(url.host) + url.path + "?" + url.query;
}

struct SeenEntry {
    const deploy::AdvertisedUrl* url;
    int port;
};

void check_list(const std::vector<const deploy::AdvertisedUrl*>& list, Findings& out) {
    std::map<std::string, SeenEntry> first_by_shape;
    for (const deploy::AdvertisedUrl* url : list) {
        if (is_blank(url->text)) {
            out.push_back(make_finding(
                "url.list-entry", Severity::error,
                url->key + " (" + url->origin.to_string() + ") has an empty entry " +
                    std::to_string(url->index + 1) + " of " + std::to_string(url->list_size) +
                    " in its ';' list, so the devices that draw it get no address",
                url->key, url->origin, "remove the extra ';'"));
            continue;
        }
        if (url->derived) continue;
        auto parsed = deploy::parse_url(url->text);
        if (!parsed) continue;
        auto [it, inserted] =
            first_by_shape.emplace(without_port(*parsed), SeenEntry{url, parsed->port});
        if (inserted || it->second.port == parsed->port) continue;
        out.push_back(make_finding(
            "url.list-entry", Severity::warning,
            url->key + " " + entry_label(*url) + " (" + url->origin.to_string() +
                ") differs from " + entry_label(*it->second.url) +
                " only by its port, which is usually a typo in one of them",
            url->key, url->origin, "keep only the port devices really reach the server on"));
    }
}

}  // namespace

void check_url_lists(const Inputs& inputs, Findings& out) {
    std::map<std::string, std::vector<const deploy::AdvertisedUrl*>> lists;
    for (const auto& url : inputs.model.advertised) {
        if (url.index >= 0) lists[url.key].push_back(&url);
    }
    for (const auto& [key, list] : lists) check_list(list, out);
}

}  // namespace xiaozhi::analysis
