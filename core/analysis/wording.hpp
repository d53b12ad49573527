// Shared wording of finding messages: quoted values, socket addresses, finding construction.
#pragma once

#include <string>
#include <string_view>

#include "analysis/finding.hpp"
#include "config/effective.hpp"
#include "config/node.hpp"
#include "deploy/model.hpp"
#include "deploy/transport.hpp"

namespace xiaozhi::analysis {

// "text" in double quotes, with quotes, backslashes and control characters escaped;
// long text is cut with an ellipsis.
std::string quote_text(std::string_view text);

// A value as a message shows it: strings quoted, other scalars as written, and
// "a secret value" for keys config::is_secret_key masks.
std::string shown_value(std::string_view key, const config::Node& value);

// "0.0.0.0:8000", "[::]:8000".
std::string socket_text(std::string_view address, int port);

// "TCP", "UDP".
std::string transport_label(deploy::Transport transport);

// "server.websocket entry 2 "ws://…" (config.yaml:3:14)": an advertised URL and its origin.
std::string url_label(const deploy::AdvertisedUrl& url);

// Whether text is empty or only white space.
bool is_blank(std::string_view text);

Finding make_finding(std::string rule, Severity severity, std::string message, std::string key,
                     config::Origin origin, std::string suggestion = {});

}  // namespace xiaozhi::analysis
