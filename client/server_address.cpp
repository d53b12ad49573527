// Parsing the --server URL with the core URL reader.
#include "server_address.hpp"

#include "deploy/url.hpp"

namespace xiaozhi::client {

std::string ServerAddress::url() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" +
           std::to_string(port) + base_path;
}

std::string ServerAddress::target(std::string_view path) const {
    return base_path + std::string(path);
}

std::optional<ServerAddress> parse_server_address(std::string_view text, std::string& error) {
    deploy::UrlError url_error;
    const std::optional<deploy::Url> url = deploy::parse_url(text, &url_error);
    if (!url) {
        error = "--server " + std::string(text) + " is not a URL: " + url_error.message;
        return std::nullopt;
    }
    if (url->scheme != "http" && url->scheme != "https") {
        error =
            "--server must be an http:// or https:// URL (the server's HTTP listener, e.g. "
            "http://10.0.0.2:8003); " +
            url->scheme + "://" + " is not supported";
        return std::nullopt;
    }
    if (!url->query.empty()) {
        error = "--server must not carry a query: " + std::string(text);
        return std::nullopt;
    }
    ServerAddress address;
    address.tls = url->scheme == "https";
    address.host = url->host;
    address.port = url->port;
    address.base_path = url->path == "/" ? "" : url->path;
    while (!address.base_path.empty() && address.base_path.back() == '/') {
        address.base_path.pop_back();
    }
    return address;
}

}  // namespace xiaozhi::client
