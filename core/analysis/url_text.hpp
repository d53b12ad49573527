// Rewrites one part of a URL's text for a suggestion, keeping the rest as the user wrote it.
#pragma once

#include <string>
#include <string_view>

namespace xiaozhi::analysis {

// The port as written in the URL's authority ("" when there is none): port_text("ws://a:80a/") ==
// "80a".
std::string_view port_text(std::string_view url);

// The URL with its port replaced (or added): with_port("ws://a:8000/x", 8100) == "ws://a:8100/x".
std::string with_port(std::string_view url, int port);
// The URL with its host replaced: with_host("ws://a:8000/x", "b") == "ws://b:8000/x".
std::string with_host(std::string_view url, std::string_view host);
// The URL with its path replaced, query kept: with_path("ws://a:1/x?q", "/y/") == "ws://a:1/y/?q".
std::string with_path(std::string_view url, std::string_view path);
// The URL with its scheme replaced: with_scheme("http://a/", "ws") == "ws://a/".
std::string with_scheme(std::string_view url, std::string_view scheme);

}  // namespace xiaozhi::analysis
