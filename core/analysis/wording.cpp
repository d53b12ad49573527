// Shared wording of finding messages: quoted values, socket addresses, finding construction.
#include "analysis/wording.hpp"

#include <cstdio>
#include <utility>

#include "config/schema.hpp"

namespace xiaozhi::analysis {

namespace {

constexpr std::size_t max_shown_chars = 120;

// Cuts at a UTF-8 character boundary at or before `limit` bytes.
std::string_view cut_utf8(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return text;
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

}  // namespace

std::string quote_text(std::string_view text) {
    std::string_view shown = cut_utf8(text, max_shown_chars);
    std::string out = "\"";
    for (char c : shown) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte < 0x20 || byte == 0x7F) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\x%02X", static_cast<unsigned>(byte));
            out += buffer;
        } else {
            out += c;
        }
    }
    if (shown.size() < text.size()) out += "…";
    out += '"';
    return out;
}

std::string shown_value(std::string_view key, const config::Node& value) {
    if (config::is_secret_key(key) && value.kind != config::Kind::null) return "a secret value";
    switch (value.kind) {
        case config::Kind::string:
            return quote_text(value.text);
        case config::Kind::null:
            return "null";
        case config::Kind::list:
        case config::Kind::map: {
            std::string rendered = value.render();
            std::string_view cut = cut_utf8(rendered, max_shown_chars);
            return cut.size() < rendered.size() ? std::string(cut) + "…" : rendered;
        }
        default:
            return value.text.empty() ? value.render() : value.text;
    }
}

std::string socket_text(std::string_view address, int port) {
    std::string host(address);
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return host + ":" + std::to_string(port);
}

std::string transport_label(deploy::Transport transport) {
    return transport == deploy::Transport::udp ? "UDP" : "TCP";
}

std::string url_label(const deploy::AdvertisedUrl& url) {
    std::string label = url.key;
    if (url.index >= 0) label += " entry " + std::to_string(url.index + 1);
    return label + " " + quote_text(url.text) + " (" + url.origin.to_string() + ")";
}

bool is_blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Finding make_finding(std::string rule, Severity severity, std::string message, std::string key,
                     config::Origin origin, std::string suggestion) {
    Finding finding;
    finding.rule = std::move(rule);
    finding.severity = severity;
    finding.message = std::move(message);
    finding.key = std::move(key);
    finding.origin = std::move(origin);
    finding.suggestion = std::move(suggestion);
    return finding;
}

}  // namespace xiaozhi::analysis
