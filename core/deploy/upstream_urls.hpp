// The upstream URLs serve relays to (upstream.websocket, upstream.ota) as configured, each
// checked once for shape, syntax and scheme, with the position of whatever is wrong.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/effective.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::deploy {

// What is wrong with an upstream entry: its shape (not a URL string or {url, weight} table, a
// weight outside 1..1000, an unknown field), its URL's syntax, or its URL's scheme.
enum class UpstreamProblem { none, shape, malformed, scheme };

// One upstream URL: an entry of upstream.websocket, or upstream.ota.
struct UpstreamEntry {
    std::string key;  // "upstream.websocket[0]"; "upstream.websocket" when that is not a list
    std::string url;  // as written; "" when the entry has none
    int weight = 1;   // the table's weight, else 1
    std::optional<Url> parsed;  // set exactly when problem is none
    UpstreamProblem problem = UpstreamProblem::none;
    // What is wrong, to follow the key and the quoted URL: "does not parse: ...",
    // "uses http://, but an upstream WebSocket URL needs ws:// or wss://", "has no url".
    std::string detail;
    config::Position pos;  // the value at fault: the URL, the weight or the entry
};

// upstream.websocket: one entry per list item, in order; one shape entry keyed
// "upstream.websocket" when the value is not a list; none when it is unset or null.
// URLs must be ws:// or wss://.
std::vector<UpstreamEntry> upstream_websocket_entries(const config::Effective& effective);

// upstream.ota when it is a non-empty string (http:// or https://); nullopt otherwise (a
// value of another type is config.type's).
std::optional<UpstreamEntry> upstream_ota_entry(const config::Effective& effective);

// "upstream.websocket[0] \"http://a/\" uses http://, ...": the problem as one sentence.
std::string upstream_problem_text(const UpstreamEntry& entry);

}  // namespace xiaozhi::deploy
