// upstream.missing, upstream.malformed, upstream.scheme and config.type for server.backend and
// upstream.* (xiaozhi runtime: serve refuses what these report; the reference never reads them).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/rule_families.hpp"
#include "analysis/upstream_view.hpp"
#include "analysis/url_text.hpp"
#include "analysis/wording.hpp"

namespace xiaozhi::analysis {

namespace {

using config::Kind;
using config::Node;

struct WordKey {
    const char* key;
    std::vector<std::string> words;  // the first is the default
};

struct RangeKey {
    const char* key;
    std::int64_t low;
    std::int64_t high;
    const char* unit;  // "seconds", "checks"
};

std::string words_text(const std::vector<std::string>& words) {
    std::string text;
    for (std::size_t i = 0; i < words.size(); ++i) {
        text += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
    }
    return text;
}

void check_words(const config::Effective& effective, Findings& out) {
    static const std::vector<WordKey> keys = {{"server.backend", {"echo", "relay"}},
                                              {"upstream.health", {"http", "hello"}},
                                              {"upstream.ota_fallback", {"local", "fail"}}};
    for (const WordKey& word_key : keys) {
        const Node* value = effective.get(word_key.key);
        if (!value || value->kind != Kind::string || value->text.empty()) continue;
        if (std::find(word_key.words.begin(), word_key.words.end(), value->text) !=
            word_key.words.end()) {
            continue;
        }
        const config::Origin origin = effective.origin_of(word_key.key);
        out.push_back(make_finding("config.type", Severity::error,
                                   std::string(word_key.key) + " is " + quote_text(value->text) +
                                       " (" + origin.to_string() + "), which is not " +
                                       words_text(word_key.words) + ": serve refuses to start",
                                   word_key.key, origin, "use " + words_text(word_key.words)));
    }
}

void check_ranges(const config::Effective& effective, Findings& out) {
    static constexpr RangeKey keys[] = {{"upstream.health_interval", 1, 3600, "seconds"},
                                        {"upstream.fall", 1, 100, "checks"},
                                        {"upstream.rise", 1, 100, "checks"},
                                        {"upstream.drain_timeout", 0, 86400, "seconds"},
                                        {"upstream.connect_timeout", 1, 60, "seconds"},
                                        {"upstream.ota_timeout", 1, 60, "seconds"}};
    for (const RangeKey& range : keys) {
        const Node* value = effective.get(range.key);
        if (!value || value->kind != Kind::integer) continue;  // config.type reports other kinds
        if (value->integer >= range.low && value->integer <= range.high) continue;
        const std::string bounds = std::to_string(range.low) + ".." + std::to_string(range.high);
        const config::Origin origin = effective.origin_of(range.key);
        out.push_back(make_finding(
            "config.type", Severity::error,
            std::string(range.key) + " is " + std::to_string(value->integer) + " (" +
                origin.to_string() + "), outside " + bounds + " " + range.unit +
                ": serve refuses to start",
            range.key, origin, "use a number of " + std::string(range.unit) + " in " + bounds));
    }
}

std::string example_url(const UpstreamUrl& url) {
    return url.websocket ? "ws://<conversation server>:8000/xiaozhi/v1/"
                         : "http://<management API>:8002/xiaozhi/ota/";
}

void check_entry(const UpstreamUrl& url, Findings& out) {
    const deploy::UpstreamEntry& entry = url.entry;
    switch (entry.problem) {
        case deploy::UpstreamProblem::none:
            return;
        case deploy::UpstreamProblem::shape:
            out.push_back(make_finding("config.type", Severity::error,
                                       url.label + " " + entry.detail + ": serve refuses to start",
                                       url.key, url.origin,
                                       "write each entry as a URL string or {url = \"" +
                                           example_url(url) + "\", weight = 1}"));
            return;
        case deploy::UpstreamProblem::malformed:
            out.push_back(make_finding(
                "upstream.malformed", Severity::error,
                url.label + " " + entry.detail + ": serve refuses to start", url.key, url.origin,
                "write it as scheme://host:port/path, e.g. " + example_url(url)));
            return;
        case deploy::UpstreamProblem::scheme: {
            const bool secure = entry.url.starts_with("https") || entry.url.starts_with("wss");
            const char* scheme =
                url.websocket ? (secure ? "wss" : "ws") : (secure ? "https" : "http");
            out.push_back(make_finding("upstream.scheme", Severity::error,
                                       url.label + " " + entry.detail + ": serve refuses to start",
                                       url.key, url.origin,
                                       "use " + with_scheme(entry.url, scheme)));
            return;
        }
    }
}

void check_missing(const config::Effective& effective, const std::vector<UpstreamUrl>& urls,
                   Findings& out) {
    const Node* backend = effective.get("server.backend");
    if (!backend || backend->kind != Kind::string || backend->text != "relay") return;
    for (const UpstreamUrl& url : urls) {
        if (url.websocket) return;
    }
    const config::Origin origin = effective.origin_of("server.backend");
    out.push_back(make_finding(
        "upstream.missing", Severity::error,
        "server.backend is \"relay\" (" + origin.to_string() +
            "), but upstream.websocket lists no conversation server to relay to: serve refuses "
            "to start",
        "server.backend", origin,
        "list the conversation servers in upstream.websocket, e.g. [\"ws://<conversation "
        "server>:8000/xiaozhi/v1/\"], or set server.backend to echo"));
}

}  // namespace

void check_upstream_setup(const Inputs& inputs, Findings& out) {
    if (inputs.model.runtime != deploy::Runtime::xiaozhi) return;
    check_words(inputs.effective, out);
    check_ranges(inputs.effective, out);
    const std::vector<UpstreamUrl> urls = upstream_urls(inputs.effective);
    for (const UpstreamUrl& url : urls) check_entry(url, out);
    check_missing(inputs.effective, urls, out);
}

}  // namespace xiaozhi::analysis
