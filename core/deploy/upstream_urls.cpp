// Reading upstream.websocket and upstream.ota into checked entries.
#include "deploy/upstream_urls.hpp"

namespace xiaozhi::deploy {

namespace {

using config::Kind;
using config::Node;

constexpr int max_weight = 1000;

enum class UpstreamKind { websocket, ota };

UpstreamEntry shape_problem(std::string key, std::string detail, config::Position pos) {
    UpstreamEntry entry;
    entry.key = std::move(key);
    entry.problem = UpstreamProblem::shape;
    entry.detail = std::move(detail);
    entry.pos = std::move(pos);
    return entry;
}

// Parses `entry.url` and checks its scheme for `kind`, setting parsed or the problem.
void check_url(UpstreamEntry& entry, UpstreamKind kind) {
    UrlError error;
    std::optional<Url> parsed = parse_url(entry.url, &error);
    if (!parsed) {
        entry.problem = UpstreamProblem::malformed;
        entry.detail = "does not parse: " + error.message;
        return;
    }
    const bool websocket = kind == UpstreamKind::websocket;
    const bool fits = websocket ? parsed->scheme == "ws" || parsed->scheme == "wss"
                                : parsed->scheme == "http" || parsed->scheme == "https";
    if (!fits) {
        entry.problem = UpstreamProblem::scheme;
        entry.detail = "uses " + parsed->scheme + "://, but " +
                       (websocket ? "an upstream WebSocket URL needs ws:// or wss://"
                                  : "an upstream OTA URL needs http:// or https://");
        return;
    }
    entry.parsed = std::move(parsed);
}

// A {url, weight} table of upstream.websocket.
UpstreamEntry table_entry(const Node& item, const std::string& key) {
    for (const auto& [field, value] : item.entries) {
        if (field != "url" && field != "weight") {
            return shape_problem(
                key, "has the unknown field " + field + " (it takes url and weight)", value.pos);
        }
    }
    const Node* url = item.find("url");
    if (url == nullptr) return shape_problem(key, "has no url", item.pos);
    if (url->kind != Kind::string) {
        return shape_problem(key, "has a url that is not a string", url->pos);
    }
    UpstreamEntry entry;
    entry.key = key;
    entry.url = url->text;
    entry.pos = url->pos;
    if (const Node* weight = item.find("weight"); weight != nullptr) {
        if (weight->kind != Kind::integer || weight->integer < 1 || weight->integer > max_weight) {
            entry.problem = UpstreamProblem::shape;
            entry.detail = "has weight " + weight->render() + "; weights are integers in 1.." +
                           std::to_string(max_weight);
            entry.pos = weight->pos;
            return entry;
        }
        entry.weight = static_cast<int>(weight->integer);
    }
    check_url(entry, UpstreamKind::websocket);
    return entry;
}

UpstreamEntry list_entry(const Node& item, const std::string& key) {
    if (item.is_map()) return table_entry(item, key);
    if (item.kind != Kind::string) {
        return shape_problem(key, "must be a URL or a {url, weight} table", item.pos);
    }
    UpstreamEntry entry;
    entry.key = key;
    entry.url = item.text;
    entry.pos = item.pos;
    check_url(entry, UpstreamKind::websocket);
    return entry;
}

}  // namespace

std::vector<UpstreamEntry> upstream_websocket_entries(const config::Effective& effective) {
    const Node* list = effective.get("upstream.websocket");
    if (list == nullptr || list->kind == Kind::null) return {};
    if (list->kind != Kind::list) {
        return {shape_problem("upstream.websocket",
                              "must be a list of URLs or {url, weight} tables", list->pos)};
    }
    std::vector<UpstreamEntry> entries;
    for (std::size_t i = 0; i < list->items.size(); ++i) {
        entries.push_back(
            list_entry(list->items[i], "upstream.websocket[" + std::to_string(i) + "]"));
    }
    return entries;
}

std::optional<UpstreamEntry> upstream_ota_entry(const config::Effective& effective) {
    const Node* value = effective.get("upstream.ota");
    if (value == nullptr || value->kind != Kind::string || value->text.empty()) {
        return std::nullopt;
    }
    UpstreamEntry entry;
    entry.key = "upstream.ota";
    entry.url = value->text;
    entry.pos = value->pos;
    check_url(entry, UpstreamKind::ota);
    return entry;
}

std::string upstream_problem_text(const UpstreamEntry& entry) {
    const std::string url = entry.url.empty() ? "" : " " + config::double_quoted(entry.url);
    return entry.key + url + " " + entry.detail;
}

}  // namespace xiaozhi::deploy
