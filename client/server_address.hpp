// The --server URL of ota-push: where the server's HTTP listener (OTA and admin API) answers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xiaozhi::client {

struct ServerAddress {
    bool tls = false;  // https://
    std::string host;  // name or IP literal, without brackets
    int port = 80;
    std::string base_path;  // "" or "/prefix" (no trailing slash) when behind a path proxy

    // "http://host:port[/prefix]" (or https://), as messages name the server.
    std::string url() const;
    // base_path + `path` ("/xiaozhi/admin/remote").
    std::string target(std::string_view path) const;
};

// Reads "http://host[:port][/prefix]" or "https://…"; nullopt with `error` set for another
// scheme, a query, or a URL that does not parse.
std::optional<ServerAddress> parse_server_address(std::string_view text, std::string& error);

}  // namespace xiaozhi::client
