// A request head as Beast parsed it, turned into the plain HttpRequest the routes take.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>

#include "http_message.hpp"

namespace xiaozhi::server {

// Method, target split into path and query, every header field in order, and the peer.
HttpRequest plain_request(const boost::beast::http::request_header<>& head,
                          std::string peer_address, int peer_port);

}  // namespace xiaozhi::server
