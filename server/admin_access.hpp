// Who may use the admin API: configured token, loopback or admin_allow peers, bearer check.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "http_message.hpp"
#include "settings.hpp"

namespace xiaozhi::server {

// Whether `peer` (an address as HttpRequest::peer_address has it, IPv4-mapped IPv6
// included) is on loopback or inside one of `allowed` ("10.0.0.0/8", "fd00::/8", or a
// single address). Entries that do not parse are ignored.
bool peer_allowed(std::string_view peer, const std::vector<std::string>& allowed);

// The answer refusing `request` the admin API, or nullopt when it may go on:
// 404 when server.admin_token is empty (the API is off), 403 for a peer that is
// neither on loopback nor in server.admin_allow, 401 (with WWW-Authenticate) for a
// missing or wrong `Authorization: Bearer` token, compared in constant time.
std::optional<HttpResponse> admin_refusal(const HttpRequest& request,
                                          const ServerSettings& settings);

}  // namespace xiaozhi::server
