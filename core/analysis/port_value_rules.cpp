// port.invalid: configured ports that are not integers in 1..65535.
#include <cctype>
#include <optional>
#include <string>

#include "analysis/deployment_view.hpp"
#include "analysis/rule_families.hpp"
#include "analysis/url_text.hpp"
#include "analysis/wording.hpp"

namespace xiaozhi::analysis {

namespace {

constexpr int max_port = 65535;

struct PortKey {
    const char* key;
    int default_port;
};

// The number a string spells when it is only digits (with an optional sign).
std::optional<long long> number_in(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    bool negative = !text.empty() && text.front() == '-';
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
    if (text.empty() || text.size() > 12) return std::nullopt;
    long long value = 0;
    for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return negative ? -value : value;
}

// The number a port value spells: an integer, or a string of digits.
std::optional<long long> port_number(const config::Node& value) {
    if (value.kind == config::Kind::integer) return value.integer;
    if (value.kind == config::Kind::string) return number_in(value.text);
    return std::nullopt;
}

bool valid_port(long long port) {
    return port >= 1 && port <= max_port;
}

Finding invalid_port(const std::string& key, const std::string& problem,
                     const config::Origin& origin, int default_port) {
    return make_finding(
        "port.invalid", Severity::error, problem, key, origin,
        "use a port in 1..65535 for " + key + ", e.g. " + std::to_string(default_port));
}

}  // namespace

void check_port_values(const Inputs& inputs, Findings& out) {
    static constexpr PortKey port_keys[] = {{"server.port", 8000}, {"server.http_port", 8003}};
    for (const auto& port_key : port_keys) {
        const config::Entry* entry = inputs.effective.entry(port_key.key);
        if (!entry) continue;
        auto number = port_number(entry->value);
        if (!number || valid_port(*number)) continue;
        std::string problem = entry->key + " " + shown_value(entry->key, entry->value) + " (" +
                              entry->origin.to_string() +
                              ") is not a valid port: ports are integers in 1..65535";
        out.push_back(invalid_port(entry->key, problem, entry->origin, port_key.default_port));
    }

    auto manager_url = configured_string(inputs.effective, "manager-api.url");
    if (!manager_url) return;
    auto number = number_in(port_text(*manager_url));
    if (!number || valid_port(*number)) return;
    config::Origin origin = inputs.effective.origin_of("manager-api.url");
    std::string problem = "manager-api.url " + quote_text(*manager_url) + " (" +
                          origin.to_string() + ") has port " + std::to_string(*number) +
                          ", outside 1..65535";
    out.push_back(invalid_port("manager-api.url", problem, origin, 8002));
}

}  // namespace xiaozhi::analysis
