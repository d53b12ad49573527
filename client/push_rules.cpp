// Durations, the findings gate, the expected WebSocket address and the firmware checks.
#include "push_rules.hpp"

#include <charconv>
#include <fstream>

#include "analysis/port_fallback.hpp"
#include "config/duration_text.hpp"
#include "deploy/url.hpp"
#include "protocol/firmware_catalog.hpp"
#include "protocol/version_number.hpp"

namespace xiaozhi::client {

namespace {

constexpr unsigned char kEsp32ImageMagic = 0xE9;
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

std::string value_text(const config::Effective& effective, std::string_view key) {
    const config::Node* node = effective.get(key);
    if (node == nullptr || node->kind == config::Kind::null) return {};
    return node->kind == config::Kind::string ? node->text : node->render();
}

bool changed(const config::Effective& before, const config::Effective& after,
             std::string_view key) {
    return value_text(before, key) != value_text(after, key);
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    const auto duration = config::parse_duration(text);
    if (!duration || duration->count() <= 0 || duration->count() > kDayMs) return std::nullopt;
    return duration;
}

std::string confirm_within_header(std::chrono::milliseconds duration) {
    return std::to_string((duration.count() + 999) / 1000) + "s";
}

Gate gate_findings(const std::vector<analysis::Finding>& findings, analysis::Severity fail_on,
                   bool force) {
    Gate gate;
    if (force) return gate;
    std::size_t errors = 0;
    std::size_t warnings = 0;
    for (const auto& finding : findings) {
        if (finding.severity == analysis::Severity::error) ++errors;
        if (finding.severity == analysis::Severity::warning) ++warnings;
    }
    const auto plural = [](std::size_t n, const char* word) {
        return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
    };
    if (errors > 0) {
        gate.stop = true;
        gate.reason = plural(errors, "error");
    } else if (warnings > 0 && fail_on == analysis::Severity::warning) {
        gate.stop = true;
        gate.reason = plural(warnings, "warning") + " (--fail-on warning)";
    }
    return gate;
}

bool ExpectedWebsocket::matches(std::string_view url) const {
    if (!urls.empty()) {
        for (const auto& expected : urls) {
            if (expected == url) return true;
        }
        return false;
    }
    const std::optional<deploy::Url> parsed = deploy::parse_url(url);
    if (!parsed) return false;
    if (port && parsed->port != *port) return false;
    if (!host.empty() && parsed->host != host) return false;
    return true;
}

std::string ExpectedWebsocket::describe() const {
    if (urls.size() == 1) return urls.front();
    if (!urls.empty()) {
        std::string text = "one of";
        for (const auto& url : urls) text += " " + url;
        return text;
    }
    std::string text = "a WebSocket URL";
    if (!host.empty()) text += " with host " + host;
    if (port)
        text += std::string(host.empty() ? " with" : " and") + " port " + std::to_string(*port);
    return text;
}

ExpectedWebsocket expected_websocket(const config::Effective& before,
                                     const config::Effective& after) {
    ExpectedWebsocket expected;
    const std::string configured = value_text(after, "server.websocket");
    const bool port_changed = changed(before, after, "server.port");
    if (!configured.empty() && !deploy::is_placeholder(configured)) {
        if (changed(before, after, "server.websocket") || port_changed) {
            std::size_t start = 0;
            while (start <= configured.size()) {
                const std::size_t end = std::min(configured.find(';', start), configured.size());
                const std::string entry = trimmed(configured.substr(start, end - start));
                if (!entry.empty()) expected.urls.push_back(entry);
                start = end + 1;
            }
        }
        return expected;
    }
    // Under a port fallback policy serve may bind (and advertise) another port than asked.
    if (port_changed && !analysis::port_fallback_allowed(after)) {
        if (const auto port = after.get_int("server.port")) expected.port = static_cast<int>(*port);
    }
    if (changed(before, after, "server.advertise_host")) {
        expected.host = value_text(after, "server.advertise_host");
        if (expected.host.size() > 2 && expected.host.front() == '[') {
            expected.host = expected.host.substr(1, expected.host.size() - 2);
        }
    }
    return expected;
}

std::optional<int> moved_http_port(const config::Effective& before, const config::Effective& after,
                                   int server_port) {
    const auto old_port = before.get_int("server.http_port");
    const auto new_port = after.get_int("server.http_port");
    if (!old_port || !new_port || *old_port == *new_port || *old_port != server_port) {
        return std::nullopt;
    }
    return static_cast<int>(*new_port);
}

std::string firmware_problem(const std::string& path, std::string_view model,
                             std::string_view version, bool image_check) {
    if (!protocol::is_dotted_version(version)) {
        return "--version " + std::string(version) +
               " is not a dotted numeric version like 1.6.2 (devices compare versions "
               "numerically)";
    }
    if (!protocol::is_valid_model_name(model)) {
        return "--model " + std::string(model) +
               " cannot name a firmware file: use 1-64 letters, digits, '-', '_' or '.', "
               "no path characters";
    }
    std::ifstream file(path, std::ios::binary);
    char first = 0;
    if (!file) return "cannot read " + path;
    if (!file.get(first)) return path + " is empty";
    if (image_check && static_cast<unsigned char>(first) != kEsp32ImageMagic) {
        return path +
               " is not an ESP32 application image (its first byte is not 0xE9); pass "
               "--no-image-check to upload it anyway";
    }
    return {};
}

std::optional<std::string> version_below(std::string_view version) {
    const std::optional<protocol::VersionNumber> parts = protocol::parse_version(version);
    if (!parts) return std::nullopt;
    const protocol::VersionNumber zero(parts->size(), 0);
    if (protocol::compare_versions(*parts, zero) <= 0) return std::nullopt;
    std::string text = "0";
    for (std::size_t i = 1; i < parts->size(); ++i) text += ".0";
    return text;
}

}  // namespace xiaozhi::client
