// Reading the published ports of docker-compose files, short and long syntax.
#include "deploy/compose.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "config/input_error.hpp"

namespace xiaozhi::deploy {

namespace {

using config::InputError;
using config::Kind;
using config::Node;

// One entry before range expansion; published/target are the port texts as written.
struct PortEntry {
    std::string host_ip;
    std::string published;  // "" when compose picks the host port
    std::string target;
    std::string protocol = "tcp";
};

struct PortRange {
    int low = 0;
    int high = 0;
    int size() const { return high - low + 1; }
};

bool is_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::optional<std::string> interpolate(std::string_view text,
                                       const config::ComposeVariables& variables) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '$') {
            out += text[i];
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        const bool braced = i + 1 < text.size() && text[i + 1] == '{';
        std::size_t close = braced ? text.find('}', i) : i + 1;
        if (braced && close == std::string_view::npos) return std::nullopt;
        if (!braced) {
            while (close < text.size() && is_name_char(text[close])) ++close;
        }
        std::string_view inner =
            braced ? text.substr(i + 2, close - i - 2) : text.substr(i + 1, close - i - 1);
        std::size_t name_end = 0;
        while (name_end < inner.size() && is_name_char(inner[name_end])) ++name_end;
        if (name_end == 0) return std::nullopt;
        const auto value = variables.find(std::string(inner.substr(0, name_end)));
        std::string_view rest = inner.substr(name_end);
        if (rest.starts_with(":-")) {
            const bool set = value != variables.end() && !value->second.empty();
            out += set ? std::string_view(value->second) : rest.substr(2);
        } else if (rest.starts_with("-")) {
            out += value != variables.end() ? std::string_view(value->second) : rest.substr(1);
        } else if (rest.empty() && value != variables.end()) {
            out += value->second;
        } else {
            return std::nullopt;
        }
        i = braced ? close : close - 1;
    }
    return out;
}

namespace {

config::Origin origin_of(const Node& node, const config::ComposeFile& file) {
    config::Origin origin;
    origin.layer = "file";
    origin.pos = node.pos;
    if (origin.pos.file.empty()) origin.pos.file = file.path;
    return origin;
}

[[noreturn]] void malformed(const config::Origin& origin, std::string_view entry,
                            const std::string& problem) {
    throw InputError(origin.pos, "compose port \"" + std::string(entry) + "\": " + problem);
}

// The text of a scalar port value as written (integers as their number).
std::string scalar_text(const Node& node) {
    if (node.kind == Kind::integer) {
        bool written_with_colon = node.text.find(':') != std::string::npos;
        return written_with_colon ? node.text : std::to_string(node.integer);
    }
    return node.text;
}

// "8000" or "8000-8010".
std::optional<PortRange> port_range(std::string_view text) {
    std::size_t dash = text.find('-');
    std::optional<int> low = port_in_text(text.substr(0, dash));
    std::optional<int> high =
        dash == std::string_view::npos ? low : port_in_text(text.substr(dash + 1));
    if (!low || !high || *high < *low) return std::nullopt;
    return PortRange{*low, *high};
}

// [[host_ip:][host_port]:]container_port[/protocol], host_ip possibly in brackets.
PortEntry parse_short(std::string_view text, const config::Origin& origin,
                      std::string_view original) {
    PortEntry entry;
    std::size_t slash = text.find('/');
    if (slash != std::string_view::npos) {
        entry.protocol = text.substr(slash + 1);
        text = text.substr(0, slash);
    }
    std::size_t last = text.rfind(':');
    entry.target = text.substr(last == std::string_view::npos ? 0 : last + 1);
    if (last == std::string_view::npos) return entry;
    std::string_view front = text.substr(0, last);
    std::size_t middle = front.rfind(':');
    if (middle == std::string_view::npos) {
        entry.published = front;
        if (front.empty()) malformed(origin, original, "the host port before ':' is empty");
        return entry;
    }
    entry.published = front.substr(middle + 1);
    std::string_view host_ip = front.substr(0, middle);
    if (host_ip.size() >= 2 && host_ip.front() == '[' && host_ip.back() == ']') {
        host_ip = host_ip.substr(1, host_ip.size() - 2);
    }
    if (host_ip.empty()) malformed(origin, original, "the host address before ':' is empty");
    entry.host_ip = host_ip;
    return entry;
}

// {target, published, protocol, host_ip}; nullopt when a value needs an unset variable.
std::optional<PortEntry> parse_long(const Node& node, const config::Origin& origin,
                                    const config::ComposeVariables& variables) {
    PortEntry entry;
    for (const auto& [key, value] : node.entries) {
        if (key != "target" && key != "published" && key != "protocol" && key != "host_ip") {
            continue;
        }
        if (!value.is_scalar() || value.kind == Kind::null) {
            malformed(origin, key, "expected a number or a string");
        }
        std::optional<std::string> text = interpolate(scalar_text(value), variables);
        if (!text) return std::nullopt;
        if (key == "target") entry.target = *text;
        if (key == "published") entry.published = *text;
        if (key == "protocol") entry.protocol = *text;
        if (key == "host_ip") entry.host_ip = *text;
    }
    if (entry.target.empty()) malformed(origin, node.render(), "the target port is missing");
    return entry;
}

void expand(const PortEntry& entry, const std::string& service, const config::Origin& origin,
            std::string_view original, std::vector<PublishedPort>& out) {
    std::string protocol = entry.protocol;
    std::transform(protocol.begin(), protocol.end(), protocol.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (protocol == "sctp") return;
    std::optional<Transport> transport = parse_transport(protocol);
    if (!transport) malformed(origin, original, "unknown protocol \"" + entry.protocol + "\"");
    std::optional<PortRange> target = port_range(entry.target);
    if (!target) {
        malformed(origin, original,
                  "container port \"" + entry.target + "\" is not a port or range in 1..65535");
    }
    std::optional<PortRange> published;
    if (!entry.published.empty()) {
        published = port_range(entry.published);
        if (!published) {
            malformed(origin, original,
                      "host port \"" + entry.published + "\" is not a port or range in 1..65535");
        }
        if (published->size() != target->size() && target->size() != 1) {
            malformed(origin, original, "the host and container port ranges differ in size");
        }
    }
    if (out.size() + static_cast<std::size_t>(target->size()) > max_published_ports) {
        throw InputError(origin.pos, "more than " + std::to_string(max_published_ports) +
                                         " published ports (the limit for one compose file)");
    }
    bool fixed_host_port = published && published->size() == target->size();
    for (int i = 0; i < target->size(); ++i) {
        PublishedPort port;
        port.service = service;
        port.host_address = entry.host_ip;
        port.host_port = fixed_host_port ? published->low + i : 0;
        port.container_port = target->low + i;
        port.transport = *transport;
        port.origin = origin;
        out.push_back(std::move(port));
    }
}

}  // namespace

void read_service_ports(const std::string& service, const Node& ports,
                        const config::ComposeFile& file, std::vector<PublishedPort>& out) {
    if (ports.kind == Kind::null) return;
    if (ports.kind != Kind::list) {
        throw InputError(ports.pos, "services." + service + ".ports: expected a list");
    }
    for (const Node& item : ports.items) {
        config::Origin origin = origin_of(item, file);
        if (item.kind == Kind::map) {
            std::optional<PortEntry> entry = parse_long(item, origin, file.variables);
            if (entry) expand(*entry, service, origin, item.render(), out);
            continue;
        }
        if (item.kind != Kind::string && item.kind != Kind::integer) {
            malformed(origin, item.render(), "expected \"host:container\" or a map with target");
        }
        std::string original = scalar_text(item);
        std::optional<std::string> text = interpolate(original, file.variables);
        if (!text) continue;
        expand(parse_short(*text, origin, original), service, origin, original, out);
    }
}

std::vector<PublishedPort> published_ports(const config::ComposeFile& file) {
    std::vector<PublishedPort> out;
    const Node* services = file.tree.find("services");
    if (!services || services->kind == Kind::null) return out;
    if (!services->is_map()) throw InputError(services->pos, "services: expected a map");
    for (const auto& [name, service] : services->entries) {
        if (service.kind == Kind::null) continue;
        if (!service.is_map())
            throw InputError(service.pos, "services." + name + ": expected a map");
        const Node* ports = service.find("ports");
        if (ports) read_service_ports(name, *ports, file, out);
    }
    return out;
}

}  // namespace xiaozhi::deploy
