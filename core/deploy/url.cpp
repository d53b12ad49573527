// Parsing of the URLs and host:port endpoints handed to devices, and placeholder detection.
#include "deploy/url.hpp"

#include <algorithm>
#include <cctype>

#include "deploy/ip_address.hpp"

namespace xiaozhi::deploy {

namespace {

std::optional<Url> fail(UrlError* error, std::string message) {
    if (error) error->message = std::move(message);
    return std::nullopt;
}

std::string quoted(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

int default_port(std::string_view scheme) {
    if (scheme == "ws" || scheme == "http") return 80;
    if (scheme == "wss" || scheme == "https") return 443;
    if (scheme == "mqtt") return 1883;
    if (scheme == "mqtts") return 8883;
    return 0;
}

bool is_digits_and_dots(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
}

// Why `port` is not a port number, or "" when it is one.
std::string port_problem(std::string_view port, int* value) {
    if (port.empty()) return "port is empty";
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return "port " + quoted(port) + " is not a number";
    }
    std::size_t first = port.find_first_not_of('0');
    std::string_view digits = first == std::string_view::npos ? "0" : port.substr(first);
    int number = 0;
    if (digits.size() <= 5) {
        for (char c : digits) number = number * 10 + (c - '0');
    }
    if (digits.size() > 5 || number < 1 || number > 65535) {
        return "port " + quoted(port) + " is outside 1..65535";
    }
    *value = number;
    return "";
}

// Why `host` (brackets removed) is not a usable host, or "" when it is one.
std::string host_problem(std::string_view host, bool bracketed) {
    if (host.empty()) return "host is missing";
    if (bracketed) {
        return parse_ipv6(host) ? ""
                                : "host [" + std::string(host) + "] is not a valid IPv6 address";
    }
    if (is_digits_and_dots(host)) {
        return parse_ipv4(host) ? ""
                                : "host " + quoted(host) +
                                      " is not a valid IPv4 address (four numbers 0-255 separated "
                                      "by dots)";
    }
    for (char c : host) {
        auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80 || std::isalnum(byte) || c == '-' || c == '.' || c == '_') continue;
        return "host " + quoted(host) + " contains the character '" + std::string(1, c) + "'";
    }
    std::string_view labels = host.back() == '.' ? host.substr(0, host.size() - 1) : host;
    if (labels.empty() || labels.front() == '.' || labels.find("..") != std::string_view::npos) {
        return "host " + quoted(host) + " has an empty label";
    }
    return "";
}

struct HostPort {
    std::string host;
    bool bracketed = false;
    std::optional<std::string> port;  // text after the ':' when there is one
};

// Splits "host", "host:port", "[v6]", "[v6]:port"; "" on success, else the problem.
std::string split_host_port(std::string_view authority, HostPort& out) {
    if (!authority.empty() && authority.front() == '[') {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return "missing ']' after the IPv6 address";
        out.host = authority.substr(1, close - 1);
        out.bracketed = true;
        std::string_view rest = authority.substr(close + 1);
        if (rest.empty()) return "";
        if (rest.front() != ':') return "unexpected " + quoted(rest) + " after ']'";
        out.port = rest.substr(1);
        return "";
    }
    std::size_t colon = authority.find(':');
    if (colon != authority.rfind(':')) {
        std::size_t last = authority.rfind(':');
        if (parse_ipv6(authority) || parse_ipv6(authority.substr(0, last))) {
            return "an IPv6 address must be written in brackets, e.g. [::1]:8000";
        }
    }
    out.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) out.port = authority.substr(colon + 1);
    return "";
}

// Host and port checks, the port's problem first; both are named when both are wrong.
std::string check_host_port(const HostPort& parts, int* port) {
    std::string port_issue = parts.port ? port_problem(*parts.port, port) : "";
    std::string host_issue = host_problem(parts.host, parts.bracketed);
    if (!port_issue.empty() && !host_issue.empty()) return port_issue + "; " + host_issue;
    return port_issue.empty() ? host_issue : port_issue;
}

}  // namespace

std::optional<Url> parse_url(std::string_view text, UrlError* error) {
    if (text.empty()) return fail(error, "the URL is empty");
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f) {
            return fail(error, byte == ' ' ? "the URL contains a space"
                                           : "the URL contains a control character");
        }
    }
    std::size_t separator = text.find("://");
    if (separator == std::string_view::npos || separator == 0) {
        return fail(error, "missing scheme (expected ws://, wss://, http:// or https://)");
    }
    std::string_view scheme = text.substr(0, separator);
    bool scheme_ok =
        std::isalpha(static_cast<unsigned char>(scheme.front())) &&
        std::all_of(scheme.begin(), scheme.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
        });
    if (!scheme_ok) return fail(error, "scheme " + quoted(scheme) + " is not valid");

    std::string_view rest = text.substr(separator + 3);
    std::size_t authority_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, authority_end);
    std::string_view tail =
        authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) {
        return fail(error, "user information (user@host) is not supported");
    }

    HostPort parts;
    std::string problem = split_host_port(authority, parts);
    Url url;
    url.scheme = lower(scheme);
    url.port = default_port(url.scheme);
    if (problem.empty()) problem = check_host_port(parts, &url.port);
    if (!problem.empty()) return fail(error, problem);
    url.host = parts.host;
    url.explicit_port = parts.port.has_value();

    std::string_view before_fragment = tail.substr(0, tail.find('#'));
    std::size_t question = before_fragment.find('?');
    url.path = before_fragment.substr(0, question);
    if (url.path.empty()) url.path = "/";
    if (question != std::string_view::npos) url.query = before_fragment.substr(question + 1);
    return url;
}

std::optional<Endpoint> parse_endpoint(std::string_view text, bool allow_missing_port,
                                       int default_port, UrlError* error) {
    auto endpoint_fail = [error](std::string message) -> std::optional<Endpoint> {
        if (error) error->message = std::move(message);
        return std::nullopt;
    };
    if (text.empty()) return endpoint_fail("the endpoint is empty");
    if (text.find("://") != std::string_view::npos) {
        return endpoint_fail("expected host:port without a scheme");
    }
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f) return endpoint_fail("the endpoint contains a space");
        if (c == '/' || c == '?' || c == '#' || c == '@') {
            return endpoint_fail("expected host:port, found '" + std::string(1, c) + "'");
        }
    }
    HostPort parts;
    std::string problem = split_host_port(text, parts);
    Endpoint endpoint;
    endpoint.port = default_port;
    if (problem.empty()) problem = check_host_port(parts, &endpoint.port);
    if (problem.empty() && !parts.port && !allow_missing_port) problem = "the port is missing";
    if (!problem.empty()) return endpoint_fail(problem);
    endpoint.host = parts.host;
    return endpoint;
}

bool is_placeholder(std::string_view text) {
    static constexpr std::string_view markers[] = {
        "你的", "your ip", "your-ip", "your_ip", "your domain", "yourdomain", "<ip>", "{ip}",
    };
    std::string folded = lower(text);
    return std::any_of(std::begin(markers), std::end(markers), [&](std::string_view marker) {
        return folded.find(marker) != std::string::npos;
    });
}

std::string url_host(std::string_view host) {
    if (host.find(':') != std::string_view::npos && !host.starts_with('[')) {
        return "[" + std::string(host) + "]";
    }
    return std::string(host);
}

std::string host_header(const Url& url) {
    std::string host = url_host(url.host);
    if (url.explicit_port) host += ":" + std::to_string(url.port);
    return host;
}

}  // namespace xiaozhi::deploy
