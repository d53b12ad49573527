// Rewrites one part of a URL's text for a suggestion, keeping the rest as the user wrote it.
#include "analysis/url_text.hpp"

namespace xiaozhi::analysis {

namespace {

// scheme "://" userinfo@ host [:port] rest(path ? query # fragment)
struct UrlPieces {
    std::string_view scheme;
    std::string_view userinfo;  // with the trailing '@', or empty
    std::string_view host;      // as written, brackets included
    std::string_view port;      // digits without ':', or empty
    std::string_view rest;      // from the first '/', '?' or '#' after the authority
};

UrlPieces split(std::string_view url) {
    UrlPieces pieces;
    std::size_t scheme_end = url.find("://");
    std::size_t authority_start = 0;
    if (scheme_end != std::string_view::npos) {
        pieces.scheme = url.substr(0, scheme_end);
        authority_start = scheme_end + 3;
    }
    std::size_t authority_end = url.find_first_of("/?#", authority_start);
    if (authority_end == std::string_view::npos) authority_end = url.size();
    std::string_view authority = url.substr(authority_start, authority_end - authority_start);
    pieces.rest = url.substr(authority_end);
    std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        pieces.userinfo = authority.substr(0, at + 1);
        authority.remove_prefix(at + 1);
    }
    std::size_t colon = authority.rfind(':');
    std::size_t bracket = authority.rfind(']');
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
        pieces.host = authority.substr(0, colon);
        pieces.port = authority.substr(colon + 1);
    } else {
        pieces.host = authority;
    }
    return pieces;
}

std::string join(const UrlPieces& pieces, std::string_view port) {
    std::string out;
    if (!pieces.scheme.empty()) {
        out += pieces.scheme;
        out += "://";
    }
    out += pieces.userinfo;
    out += pieces.host;
    if (!port.empty()) {
        out += ':';
        out += port;
    }
    out += pieces.rest;
    return out;
}

}  // namespace

std::string_view port_text(std::string_view url) {
    return split(url).port;
}

std::string with_port(std::string_view url, int port) {
    return join(split(url), std::to_string(port));
}

std::string with_host(std::string_view url, std::string_view host) {
    UrlPieces pieces = split(url);
    pieces.host = host;
    return join(pieces, pieces.port);
}

std::string with_path(std::string_view url, std::string_view path) {
    UrlPieces pieces = split(url);
    std::size_t tail = pieces.rest.find_first_of("?#");
    std::string rest(path);
    if (tail != std::string_view::npos) rest += pieces.rest.substr(tail);
    UrlPieces replaced = pieces;
    replaced.rest = rest;
    return join(replaced, pieces.port);
}

std::string with_scheme(std::string_view url, std::string_view scheme) {
    UrlPieces pieces = split(url);
    pieces.scheme = scheme;
    return join(pieces, pieces.port);
}

}  // namespace xiaozhi::analysis
